package io.cvmavs.stake.chain;

/** Reads the stake inputs at a block (the narrow interface the aggregator needs). */
public interface StakeReader {
  /**
   * Reads the snapshot at {@code block}; operators slashed in blocks {@code (jailFromBlock, block]}
   * are listed in {@link StakeSnapshot#slashedOperators()}.
   */
  StakeSnapshot read(long block, long jailFromBlock);

  /** The latest block number. */
  long latestBlock();
}
