package io.cvmavs.cvm.engine;

import java.io.PrintStream;
import java.util.Optional;

/**
 * What to run a manuscript over: the block range (inclusive), an optional parallelism overriding
 * the manuscript's, where print sinks write, and the directory of filesystem sinks that give a
 * {@code file_name} (Chainbase's fixed output directory; default: the working directory).
 */
public record RunOptions(
    long fromBlock,
    long toBlock,
    Optional<Integer> parallelism,
    PrintStream printTo,
    java.nio.file.Path outputDirectory) {
  public RunOptions {
    if (fromBlock < 0 || toBlock < fromBlock) {
      throw new EngineException("invalid block range " + fromBlock + "-" + toBlock);
    }
  }

  public RunOptions(
      long fromBlock, long toBlock, Optional<Integer> parallelism, PrintStream printTo) {
    this(fromBlock, toBlock, parallelism, printTo, java.nio.file.Path.of("."));
  }

  public static RunOptions range(long fromBlock, long toBlock) {
    return new RunOptions(fromBlock, toBlock, Optional.empty(), System.out);
  }

  public RunOptions withParallelism(int p) {
    return new RunOptions(fromBlock, toBlock, Optional.of(p), printTo, outputDirectory);
  }

  public RunOptions printingTo(PrintStream out) {
    return new RunOptions(fromBlock, toBlock, parallelism, out, outputDirectory);
  }

  public RunOptions writingFilesTo(java.nio.file.Path directory) {
    return new RunOptions(fromBlock, toBlock, parallelism, printTo, directory);
  }
}
