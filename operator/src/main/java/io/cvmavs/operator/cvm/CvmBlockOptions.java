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
  /**
   * The devnet's manuscript: {@code bin/cvm-avs devnet} tasks with the keccak256 of these bytes
   * (UTF-8, no newline), so a node that joins it needs a file of exactly this text.
   */
  public static final String DEVNET_MANUSCRIPT_TEXT = "cvm-avs devnet: ERC-20 token transfers";

  private static final byte[] DEVNET_MANUSCRIPT_HASH =
      Hash.sha3(DEVNET_MANUSCRIPT_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8));

  @Option(
      names = "--manuscript",
      required = true,
      paramLabel = "FILE",
      description =
          "The manuscript the AVS attests: its keccak256 is the tasks' manuscriptHash. The devnet"
              + " attests the text '"
              + DEVNET_MANUSCRIPT_TEXT
              + "' (no newline; create it with: printf '%%s' '"
              + DEVNET_MANUSCRIPT_TEXT
              + "' > devnet.manuscript).")
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

  /** The {@code --manuscript} file as given. */
  public String manuscriptName() {
    return String.valueOf(manuscript);
  }

  /**
   * {@code 0x…} of a manuscript hash, naming the devnet's manuscript when it is that one (so a
   * refusal says which text the other side attests).
   */
  public static String describe(byte[] manuscriptHash) {
    String hex = "0x" + java.util.HexFormat.of().formatHex(manuscriptHash);
    return java.util.Arrays.equals(manuscriptHash, DEVNET_MANUSCRIPT_HASH)
        ? hex + " (the devnet's manuscript, the text '" + DEVNET_MANUSCRIPT_TEXT + "')"
        : hex;
  }

  public Optional<Long> genesisBlock() {
    return Optional.ofNullable(genesisBlock);
  }

  public long span() {
    return span;
  }
}
