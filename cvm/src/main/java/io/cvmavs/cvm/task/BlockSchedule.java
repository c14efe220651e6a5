package io.cvmavs.cvm.task;

/**
 * How chain blocks map onto CVM blocks: CVM block {@code h} covers chain blocks {@code [genesis +
 * h·span, genesis + (h+1)·span − 1]}. The node, the challenger and the task generator must use the
 * same schedule, or their blocks (and input commitments) differ.
 */
public record BlockSchedule(long genesisBlock, long blocksPerCvmBlock) {
  public BlockSchedule {
    if (genesisBlock < 0) {
      throw new IllegalArgumentException("the CVM genesis block must be >= 0, got " + genesisBlock);
    }
    if (blocksPerCvmBlock < 1) {
      throw new IllegalArgumentException(
          "a CVM block spans at least 1 chain block, got " + blocksPerCvmBlock);
    }
  }

  /** The first chain block of CVM block {@code height}. */
  public long rangeStart(long height) {
    return genesisBlock + height * blocksPerCvmBlock;
  }

  /** The last chain block of CVM block {@code height}. */
  public long rangeEnd(long height) {
    return rangeStart(height) + blocksPerCvmBlock - 1;
  }

  /** The highest CVM block whose chain range has ended by {@code chainHead}; -1 when none has. */
  public long lastFinishedHeight(long chainHead) {
    if (chainHead < rangeEnd(0)) {
      return -1;
    }
    return (chainHead - genesisBlock + 1) / blocksPerCvmBlock - 1;
  }
}
