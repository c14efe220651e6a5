package io.cvmavs.operator.keys;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.keystore.BlsKeystore;
import io.cvmavs.crypto.keystore.EcdsaKeystore;
import io.cvmavs.crypto.keystore.Ed25519Keystore;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs keys import --type T --from FILE|- --out FILE}: an existing secret into a new
 * encrypted keystore. The secret is read from a file or standard input, never from the command line
 * (which lands in shell history and {@code ps}); the keystore password follows the rules of {@code
 * keys create}.
 *
 * <p>Accepted secrets: ECDSA a 32-byte private key in hex ({@code 0x} optional); BLS the BN254
 * secret in decimal (eigensdk's {@code --key-type bls} form) or {@code 0x} hex; Ed25519 a 32-byte
 * seed in hex, a 64-byte seed‖public key in hex, or a CometBFT {@code priv_validator_key.json}.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import an existing key into a new encrypted keystore and print its public data as JSON.",
      "The secret comes from --from FILE (or - for standard input), never from an argument.",
      "Password (at least 8 characters): as for 'keys create'."
    })
public final class KeysImportCommand extends CliCommand {
  private static final HexFormat HEX = HexFormat.of();

  @Option(
      names = "--type",
      required = true,
      description = "bls, ecdsa or ed25519.",
      converter = KeysCreateCommand.KeyTypeConverter.class)
  KeyType type;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "FILE",
      description =
          "File holding the secret ('-': standard input). ecdsa: hex private key; bls: decimal or"
              + " 0x-hex secret; ed25519: hex seed (32 bytes) or seed+public key (64 bytes), or a"
              + " CometBFT priv_validator_key.json.")
  String from;

  @Mixin KeystoreOutput target;

  @Override
  public Integer call() {
    Path out = target.newFile(spec.commandLine());
    String secret = readSecret();
    char[] password =
        NewKeystorePassword.obtain(
            spec.commandLine(),
            CliContext.of(spec).environment(),
            PasswordSource.console(),
            type,
            out);
    try {
      ScryptParams kdf = target.kdf();
      SecureRandom random = new SecureRandom();
      String json =
          switch (type) {
            case ECDSA -> {
              byte[] bytes = hexBytes(secret, 32, "an ECDSA private key");
              BigInteger d = new BigInteger(1, bytes);
              Arrays.fill(bytes, (byte) 0);
              if (d.signum() == 0 || d.compareTo(org.web3j.crypto.Sign.CURVE_PARAMS.getN()) >= 0) {
                throw invalid("is not a valid secp256k1 private key (0 or not below the order)");
              }
              String address = EcdsaKeystore.write(out, ECKeyPair.create(d), password, kdf, random);
              yield KeyJson.ecdsaPublic(address).put("keystore", out.toString()).toPrettyString();
            }
            case BLS -> {
              BlsKeyPair key;
              try {
                key = BlsKeyPair.fromSecret(blsSecret(secret));
              } catch (CryptoException e) {
                throw invalid("is not a BN254 secret: " + e.getMessage());
              }
              BlsKeystore.write(out, key, password, kdf, random);
              yield KeyJson.blsPublic(key).put("keystore", out.toString()).toPrettyString();
            }
            case ED25519 -> {
              Ed25519Keystore.Key key = ed25519(secret);
              Ed25519Keystore.write(out, key, password, kdf, random);
              yield KeyJson.ed25519Public(key).put("keystore", out.toString()).toPrettyString();
            }
          };
      spec.commandLine().getOut().println(json);
      return 0;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private String readSecret() {
    try {
      byte[] bytes;
      if (from.equals("-")) {
        InputStream in = System.in;
        bytes = in.readAllBytes();
      } else {
        bytes = Files.readAllBytes(Path.of(from));
      }
      String text = new String(bytes, StandardCharsets.UTF_8).strip();
      Arrays.fill(bytes, (byte) 0);
      if (text.isEmpty()) {
        throw invalid("is empty");
      }
      return text;
    } catch (IOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--from " + from + ": cannot read: " + e.getMessage());
    }
  }

  private BigInteger blsSecret(String text) {
    if (text.startsWith("0x") || text.startsWith("0X")) {
      return new BigInteger(1, hexBytes(text, 0, "a BLS secret"));
    }
    if (!text.matches("[0-9]+")) {
      throw invalid("is not a BLS secret (expected a decimal number or 0x-prefixed hex)");
    }
    return new BigInteger(text);
  }

  private Ed25519Keystore.Key ed25519(String text) {
    if (text.startsWith("{")) {
      return cometKey(text);
    }
    byte[] bytes = hexBytes(text, -1, "an Ed25519 key");
    try {
      return switch (bytes.length) {
        case 32 -> Ed25519Keystore.Key.fromSeed(bytes);
        case 64 -> seedAndPublic(bytes);
        default ->
            throw invalid(
                "holds "
                    + bytes.length
                    + " bytes; an Ed25519 key is a 32-byte seed or 64 bytes seed+public key");
      };
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** CometBFT's {@code priv_validator_key.json}: priv_key.value is base64(seed ‖ public key). */
  private Ed25519Keystore.Key cometKey(String text) {
    JsonNode json;
    try {
      json = KeyJson.MAPPER.readTree(text);
    } catch (IOException e) {
      throw invalid("is not JSON (expected a CometBFT priv_validator_key.json)");
    }
    JsonNode priv = json.path("priv_key");
    if (!priv.path("type").asText().equals("tendermint/PrivKeyEd25519")) {
      throw invalid(
          "is JSON but not a CometBFT priv_validator_key.json with an Ed25519 key (priv_key.type"
              + " is not tendermint/PrivKeyEd25519)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(priv.path("value").asText());
    } catch (IllegalArgumentException e) {
      throw invalid("priv_key.value is not base64");
    }
    try {
      if (bytes.length != 64) {
        throw invalid("priv_key.value is " + bytes.length + " bytes, expected 64");
      }
      Ed25519Keystore.Key key = seedAndPublic(bytes);
      String pub = json.path("pub_key").path("value").asText("");
      if (!pub.isEmpty() && !Arrays.equals(Base64.getDecoder().decode(pub), key.publicKey())) {
        throw invalid("pub_key.value does not match priv_key.value");
      }
      return key;
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private Ed25519Keystore.Key seedAndPublic(byte[] bytes) {
    Ed25519Keystore.Key key = Ed25519Keystore.Key.fromSeed(Arrays.copyOf(bytes, 32));
    if (!Arrays.equals(Arrays.copyOfRange(bytes, 32, 64), key.publicKey())) {
      throw invalid("the last 32 bytes are not the public key of the first 32 (seed)");
    }
    return key;
  }

  /** Hex with optional 0x; {@code length} bytes exactly (0: up to 32, -1: any). */
  private byte[] hexBytes(String text, int length, String what) {
    String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    byte[] bytes;
    try {
      bytes = HEX.parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw invalid("is not " + what + " in hex");
    }
    if (length > 0 && bytes.length != length) {
      throw invalid("holds " + bytes.length + " bytes; " + what + " is " + length);
    }
    if (length == 0 && bytes.length > 32) {
      throw invalid("holds " + bytes.length + " bytes; " + what + " is at most 32");
    }
    return bytes;
  }

  /** A message about the secret that never contains the secret. */
  private CommandLine.ParameterException invalid(String problem) {
    return new CommandLine.ParameterException(
        spec.commandLine(), "--from " + from + ": the " + type.cliName() + " secret " + problem);
  }
}
