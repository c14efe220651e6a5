package io.cvmavs.operator.cvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.web3j.crypto.Hash;
import picocli.CommandLine.Option;

/**
 * The options that say which CVM blocks a component computes — the manuscript (by hash) and how
 * chain blocks map onto CVM blocks — shared by {@code node}, {@code challenger} and {@code
 * task-generator}, which must all agree on them.
 */
public final class CvmBlockOptions {
  @Option(
      names = "--manuscript",
      required = true,
      paramLabel = "FILE",
      description = "The manuscript the AVS attests (its keccak256 is the tasks' manuscriptHash).")
  Path manuscript;

  @Option(
      names = "--cvm-genesis-block",
      description = "First chain block of CVM block 0 (default: the deployment block + 1).")
  Long genesisBlock;

  @Option(
      names = "--cvm-span",
      description = "Chain blocks per CVM block (default ${DEFAULT-VALUE}).")
  long span = 10;

  /** keccak256 of the manuscript file. */
  public byte[] manuscriptHash() {
    try {
      return Hash.sha3(Files.readAllBytes(manuscript));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --manuscript " + manuscript, e);
    }
  }

  public Optional<Long> genesisBlock() {
    return Optional.ofNullable(genesisBlock);
  }

  public long span() {
    return span;
  }
}
