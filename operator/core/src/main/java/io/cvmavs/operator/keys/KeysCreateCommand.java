package io.cvmavs.operator.keys;

import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.Ed25519Keystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs keys create --type bls|ecdsa|ed25519 --out FILE}: a new key in an encrypted
 * keystore (eigensdk BLS format, Web3 Secret Storage, or {@link Ed25519Keystore}). The password
 * comes from the type's environment variable or a prompt (at least {@link
 * KeyType#MIN_PASSWORD_LENGTH} characters); it is never printed.
 */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a key in a new encrypted keystore and print its public data as JSON.",
      "Password (at least 8 characters): OPERATOR_BLS_KEY_PASSWORD / OPERATOR_ECDSA_KEY_PASSWORD /"
          + " OPERATOR_ED25519_KEY_PASSWORD, else a prompt (asked twice)."
    })
public final class KeysCreateCommand extends CliCommand {
  @Option(
      names = "--type",
      required = true,
      description =
          "bls, ecdsa or ed25519 (the consensus key of the operator's validator, for --consensus-key).",
      converter = KeyTypeConverter.class)
  KeyType type;

  @Mixin KeystoreOutput target;

  @Override
  public Integer call() {
    Path out = target.newFile(spec.commandLine());
    char[] password = password(out);
    try {
      ScryptParams kdf = target.kdf();
      SecureRandom random = new SecureRandom();
      String json;
      json =
          switch (type) {
            case BLS -> {
              BlsKeyPair key = BlsKeyPair.generate(random);
              BlsKeystore.write(out, key, password, kdf, random);
              yield KeyJson.blsPublic(key).put("keystore", out.toString()).toPrettyString();
            }
            case ECDSA -> {
              ECKeyPair key = Keys.createEcKeyPair(random);
              String address = EcdsaKeystore.write(out, key, password, kdf, random);
              yield KeyJson.ecdsaPublic(address).put("keystore", out.toString()).toPrettyString();
            }
            case ED25519 -> {
              Ed25519Keystore.Key key = Ed25519Keystore.Key.generate(random);
              Ed25519Keystore.write(out, key, password, kdf, random);
              yield KeyJson.ed25519Public(key).put("keystore", out.toString()).toPrettyString();
            }
          };
      spec.commandLine().getOut().println(json);
      return 0;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an ECDSA key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] password(Path out) {
    return NewKeystorePassword.obtain(
        spec.commandLine(), CliContext.of(spec).environment(), PasswordSource.console(), type, out);
  }

  /** Accepts bls / ecdsa / ed25519 in any case. */
  static final class KeyTypeConverter implements CommandLine.ITypeConverter<KeyType> {
    @Override
    public KeyType convert(String value) {
      try {
        return KeyType.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "expected bls, ecdsa or ed25519, got '" + value + "'");
      }
    }
  }
}
