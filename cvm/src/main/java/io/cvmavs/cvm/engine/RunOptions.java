package io.cvmavs.cvm.engine;

import java.io.PrintStream;
import java.util.Optional;

/**
 * What to run a manuscript over: the block range (inclusive), an optional parallelism overriding
 * the manuscript's, and where print sinks write.
 */
public record RunOptions(
    long fromBlock, long toBlock, Optional<Integer> parallelism, PrintStream printTo) {
  public RunOptions {
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new EngineException("invalid block range " + fromBlock + "-" + toBlock);
    }
  }

  public static RunOptions range(long fromBlock, long toBlock) {
    return new RunOptions(fromBlock, toBlock, Optional.empty(), System.out);
  }

  public RunOptions withParallelism(int p) {
    return new RunOptions(fromBlock, toBlock, Optional.of(p), printTo);
  }

  public RunOptions printingTo(PrintStream out) {
    return new RunOptions(fromBlock, toBlock, parallelism, out);
  }
}
