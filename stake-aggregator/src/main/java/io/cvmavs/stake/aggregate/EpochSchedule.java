package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.StakeException;

/**
 * Epochs over Ethereum blocks: epoch e covers blocks {@code [genesis + e × length, genesis + (e+1)
 * × length)}; its validator set is read at its first block (the boundary), so stake changes inside
 * an epoch take effect at the next boundary.
 */
public record EpochSchedule(long genesisBlock, long lengthBlocks) {
  public EpochSchedule {
    if (genesisBlock < 0 || lengthBlocks < 1) {
      throw new StakeException(
          "epoch schedule needs genesis ≥ 0 and length ≥ 1, got "
              + genesisBlock
              + ", "
              + lengthBlocks);
    }
  }

  /** The epoch containing {@code block}. */
  public long epochOf(long block) {
    if (block < genesisBlock) {
      throw new StakeException(
          "block " + block + " is before the first epoch (genesis block " + genesisBlock + ")");
    }
    return (block - genesisBlock) / lengthBlocks;
  }

  /** The first block of {@code epoch}. */
  public long boundary(long epoch) {
    return Math.addExact(genesisBlock, Math.multiplyExact(epoch, lengthBlocks));
  }

  /**
   * Operators slashed in blocks {@code (jailFrom, boundary(epoch)]} are jailed at {@code epoch}:
   * the window covers the last {@code jailEpochs} epochs (empty for 0).
   */
  public long jailFrom(long epoch, int jailEpochs) {
    long b = boundary(epoch);
    if (jailEpochs == 0) {
      return b;
    }
    return Math.max(genesisBlock - 1, b - (long) jailEpochs * lengthBlocks);
  }
}
