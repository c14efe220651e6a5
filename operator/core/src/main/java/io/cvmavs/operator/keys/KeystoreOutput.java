package io.cvmavs.operator.keys;

import io.cvmavs.crypto.keystore.ScryptParams;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options of a command that writes a new keystore ({@code keys create}, {@code keys import},
 * {@code storage import-arweave-key}): where, and how costly the key derivation is. A keystore that
 * exists is never overwritten.
 */
public final class KeystoreOutput {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Keystore file to create.")
  Path out;

  @Option(
      names = "--light-kdf",
      description =
          "scrypt N=4096 instead of 262144: fast, for devnets and tests only (weak against password guessing).")
  boolean lightKdf;

  /** The keystore path, refused as a usage error when a file is already there. */
  public Path newFile(CommandLine commandLine) {
    if (Files.exists(out)) {
      throw new CommandLine.ParameterException(
          commandLine, "--out " + out + " already exists; refusing to overwrite a keystore");
    }
    return out;
  }

  public ScryptParams kdf() {
    return lightKdf ? ScryptParams.LIGHT : ScryptParams.STANDARD;
  }
}
