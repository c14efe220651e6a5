package io.cvmavs.operator.cvmtasks;

import io.cvmavs.cvm.task.AttestedManuscript;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Hash;
import picocli.CommandLine.Option;

/**
 * The options that say which CVM blocks a component computes — the manuscripts (files, named by
 * their keccak256 in tasks) and how chain blocks map onto CVM blocks — shared by {@code node},
 * {@code challenger} and {@code task-generator}, which must all agree on them.
 */
public final class CvmBlockOptions {
  /**
   * The identity text the devnet attested before it ran a manuscript with transforms; kept so a
   * refusal still names it when a node is given that file.
   */
  public static final String DEVNET_MANUSCRIPT_TEXT = "cvm-avs devnet: ERC-20 token transfers";

  /** The devnet's manuscript (ERC-20 decode + volume per token and sender), a class-path file. */
  public static final String DEVNET_MANUSCRIPT_FILE = "devnet-erc20-volume.yaml";

  private static final byte[] DEVNET_MANUSCRIPT_TEXT_HASH =
      Hash.sha3(DEVNET_MANUSCRIPT_TEXT.getBytes(StandardCharsets.UTF_8));

  private static final byte[] DEVNET_MANUSCRIPT_HASH = Hash.sha3(devnetManuscript());

  @Option(
      names = "--manuscript",
      paramLabel = "FILE",
      description =
          "A manuscript (YAML) to attest: its keccak256 is the tasks' manuscriptHash. Repeat for"
              + " several (the task generator tasks the first; it needs one). Optional for the node"
              + " and the challenger when the deployment has a CvmManuscriptRegistry: tasks"
              + " resolve their manuscript through it, and a file given here is a preload /"
              + " override. The devnet attests "
              + DEVNET_MANUSCRIPT_FILE
              + ", written into its run folder.")
  List<Path> manuscripts = new ArrayList<>();

  @Option(
      names = "--cvm-genesis-block",
      description = "First chain block of CVM block 0 (default: the deployment block + 1).")
  Long genesisBlock;

  @Option(
      names = "--cvm-span",
      description = "Chain blocks per CVM block (default ${DEFAULT-VALUE}).")
  long span = 10;

  /** The bytes of the devnet's manuscript. */
  public static byte[] devnetManuscript() {
    try (InputStream in = CvmBlockOptions.class.getResourceAsStream(DEVNET_MANUSCRIPT_FILE)) {
      if (in == null) {
        throw new IllegalStateException(DEVNET_MANUSCRIPT_FILE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + DEVNET_MANUSCRIPT_FILE, e);
    }
  }

  /** keccak256 of the first {@code --manuscript} file (what the task generator tasks). */
  public byte[] manuscriptHash() {
    if (manuscripts.isEmpty()) {
      throw new IllegalStateException("no --manuscript FILE given");
    }
    return Hash.sha3(read(manuscripts.get(0)));
  }

  /** Every {@code --manuscript} file, loaded for a CVM that ingests {@code chain}. */
  public List<AttestedManuscript> manuscripts(String chain) {
    List<AttestedManuscript> out = new ArrayList<>();
    for (Path p : manuscripts) {
      out.add(AttestedManuscript.load(chain, p.toString(), read(p)));
    }
    return out;
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --manuscript " + file, e);
    }
  }

  /**
   * {@code 0x…} of a manuscript hash, naming the devnet's manuscript when it is that one (so a
   * refusal says which one the other side attests).
   */
  public static String describe(byte[] manuscriptHash) {
    String hex = "0x" + HexFormat.of().formatHex(manuscriptHash);
    if (Arrays.equals(manuscriptHash, DEVNET_MANUSCRIPT_HASH)) {
      return hex + " (the devnet's manuscript " + DEVNET_MANUSCRIPT_FILE + ")";
    }
    return Arrays.equals(manuscriptHash, DEVNET_MANUSCRIPT_TEXT_HASH)
        ? hex
            + " (the devnet's earlier identity manuscript, the text '"
            + DEVNET_MANUSCRIPT_TEXT
            + "')"
        : hex;
  }

  /** {@code file (keccak256 0x…)} of each manuscript, for startup lines and refusals. */
  public static String describe(List<AttestedManuscript> manuscripts) {
    List<String> out = new ArrayList<>();
    for (AttestedManuscript m : manuscripts) {
      out.add(m.file() + " (keccak256 " + describe(m.hash()) + ")");
    }
    return String.join(", ", out);
  }

  public Optional<Long> genesisBlock() {
    return Optional.ofNullable(genesisBlock);
  }

  public long span() {
    return span;
  }
}
