package io.cvmavs.operator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.operator.cli.CliRun;
import io.cvmavs.operator.command.CliContext;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The keys commands end to end on real keystore files (light scrypt parameters to keep the test
 * fast).
 */
class KeysCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BLS_PASSWORD = "correct horse bls";
  private static final String ECDSA_PASSWORD = "correct horse ecdsa";

  @TempDir Path dir;
  private final Map<String, String> env = new HashMap<>();
  private StringWriter out;
  private StringWriter err;

  /** {@code keys import --type TYPE --from FROM --out OUT --light-kdf}. */
  private int importKey(String type, Path from, Path out) {
    return run(
        "keys",
        "import",
        "--type",
        type,
        "--from",
        from.toString(),
        "--out",
        out.toString(),
        "--light-kdf");
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    return CliRun.run(new CliContext(env::get), out, err, args);
  }

  private JsonNode stdoutJson() throws Exception {
    return JSON.readTree(out.toString());
  }

  private static BigInteger num(JsonNode node) {
    return Numeric.toBigInt(node.asText());
  }

  private Path createBls() {
    env.put("OPERATOR_BLS_KEY_PASSWORD", BLS_PASSWORD);
    Path key = dir.resolve("op.bls.key.json");
    assertThat(run("keys", "create", "--type", "bls", "--out", key.toString(), "--light-kdf"))
        .as(err.toString())
        .isZero();
    return key;
  }

  @Test
  void blsCreateShowAndSignAgreeAndTheSignatureVerifies() throws Exception {
    Path key = createBls();
    JsonNode created = stdoutJson();
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(Files.readString(key)).contains("\"pubKey\"").doesNotContain(BLS_PASSWORD);
    assertThat(out.toString()).doesNotContain(BLS_PASSWORD);

    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    JsonNode shown = stdoutJson();
    assertThat(shown.get("pubkeyG1")).isEqualTo(created.get("pubkeyG1"));
    assertThat(shown.get("pubkeyG2")).isEqualTo(created.get("pubkeyG2"));
    // operatorId = keccak256(abi.encodePacked(pkG1.X, pkG1.Y))
    byte[] packed =
        Numeric.hexStringToByteArray(
            shown.at("/pubkeyG1/x").asText() + shown.at("/pubkeyG1/y").asText().substring(2));
    assertThat(shown.get("operatorId").asText()).isEqualTo(Numeric.toHexString(Hash.sha3(packed)));

    String digest = "0x" + "ab".repeat(32);
    assertThat(run("keys", "bls-sign", "--key", key.toString(), "--digest", digest))
        .as(err.toString())
        .isZero();
    JsonNode signed = stdoutJson();
    assertThat(signed.get("pubkeyG2")).isEqualTo(shown.get("pubkeyG2"));
    G1Point message = G1Point.of(num(signed.at("/messageG1/x")), num(signed.at("/messageG1/y")));
    assertThat(message).isEqualTo(HashToG1.hash(Numeric.hexStringToByteArray(digest)));
    G1Point signature = G1Point.of(num(signed.at("/signature/x")), num(signed.at("/signature/y")));
    JsonNode g2 = signed.get("pubkeyG2");
    // EVM order: x = [a1, a0]
    G2Point pk =
        G2Point.of(num(g2.at("/x/1")), num(g2.at("/x/0")), num(g2.at("/y/1")), num(g2.at("/y/0")));
    assertThat(Bls.verify(pk, Numeric.hexStringToByteArray(digest), signature)).isTrue();
    assertThat(Bls.verify(pk, Numeric.hexStringToByteArray("0x" + "cd".repeat(32)), signature))
        .isFalse();
  }

  @Test
  void wrongPasswordFailsWithoutPrintingIt() {
    Path key = createBls();
    env.put("OPERATOR_BLS_KEY_PASSWORD", "not the password");
    assertThat(run("keys", "show", key.toString())).isEqualTo(1);
    assertThat(err.toString()).containsIgnoringCase("password").contains(key.toString());
    assertThat(err.toString() + out)
        .doesNotContain("not the password")
        .doesNotContain(BLS_PASSWORD);
  }

  @Test
  void missingPasswordWithoutATerminalNamesTheVariable() {
    Path key = createBls();
    env.clear();
    assertThat(run("keys", "show", key.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("OPERATOR_BLS_KEY_PASSWORD");
  }

  @Test
  void refusesToOverwriteAKeystore() throws Exception {
    Path key = createBls();
    String before = Files.readString(key);
    assertThat(run("keys", "create", "--type", "bls", "--out", key.toString(), "--light-kdf"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("already exists");
    assertThat(Files.readString(key)).isEqualTo(before);
  }

  @Test
  void rejectsMalformedDigestsAndTypes() {
    Path key = createBls();
    assertThat(run("keys", "bls-sign", "--key", key.toString(), "--digest", "0x1234")).isEqualTo(2);
    assertThat(err.toString()).contains("64 hex digits");
    assertThat(run("keys", "create", "--type", "rsa", "--out", dir.resolve("x").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("expected bls, ecdsa or ed25519");
  }

  @Test
  void ecdsaCreateAndShowGiveTheSameAddress() throws Exception {
    env.put("OPERATOR_ECDSA_KEY_PASSWORD", ECDSA_PASSWORD);
    Path key = dir.resolve("op.ecdsa.key.json");
    assertThat(run("keys", "create", "--type", "ecdsa", "--out", key.toString(), "--light-kdf"))
        .as(err.toString())
        .isZero();
    String address = stdoutJson().get("address").asText();
    assertThat(address).matches("0x[0-9a-fA-F]{40}");
    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    assertThat(stdoutJson().get("address").asText()).isEqualTo(address);
  }

  @Test
  void garbageKeystoreIsReportedWithItsPath() throws Exception {
    Path bogus = dir.resolve("bogus.json");
    Files.writeString(bogus, "{\"hello\": 1}");
    assertThat(run("keys", "show", bogus.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("bogus.json").contains("neither");
    Files.writeString(bogus, "not json at all");
    assertThat(run("keys", "show", bogus.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("bogus.json");
  }

  // RFC 8032, section 7.1, TEST 1: secret key (seed) and public key.
  private static final String RFC8032_SEED =
      "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
  private static final String RFC8032_PUBLIC =
      "0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
  private static final String ED25519_PASSWORD = "correct horse ed25519";

  @Test
  void ed25519CreateAndShowGiveTheSamePublicKey() throws Exception {
    env.put("OPERATOR_ED25519_KEY_PASSWORD", ED25519_PASSWORD);
    Path key = dir.resolve("consensus.json");
    assertThat(run("keys", "create", "--type", "ed25519", "--out", key.toString(), "--light-kdf"))
        .as(err.toString())
        .isZero();
    JsonNode created = stdoutJson();
    assertThat(created.get("type").asText()).isEqualTo("ed25519");
    assertThat(created.get("publicKey").asText()).matches("0x[0-9a-f]{64}");
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(Files.readString(key))
        .contains("\"keyType\":\"ed25519\"")
        .doesNotContain(ED25519_PASSWORD);
    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    assertThat(stdoutJson().get("publicKey")).isEqualTo(created.get("publicKey"));
    env.put("OPERATOR_ED25519_KEY_PASSWORD", "wrong password");
    assertThat(run("keys", "show", key.toString())).isEqualTo(1);
    assertThat(err.toString()).containsIgnoringCase("password");
  }

  @Test
  void shortPasswordsAreRefusedWhenCreatingOrImporting() throws Exception {
    env.put("OPERATOR_BLS_KEY_PASSWORD", "x");
    Path key = dir.resolve("short.json");
    assertThat(run("keys", "create", "--type", "bls", "--out", key.toString(), "--light-kdf"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("OPERATOR_BLS_KEY_PASSWORD is 1 characters")
        .contains("at least 8");
    assertThat(key).doesNotExist();
    env.put("OPERATOR_ECDSA_KEY_PASSWORD", "1234567");
    Path secret = Files.writeString(dir.resolve("ecdsa.hex"), "0x" + "11".repeat(32));
    assertThat(importKey("ecdsa", secret, key)).isEqualTo(2);
    assertThat(err.toString()).contains("at least 8");
    assertThat(key).doesNotExist();
  }

  @Test
  void importedEcdsaKeyHasTheAddressOfItsPrivateKey() throws Exception {
    env.put("OPERATOR_ECDSA_KEY_PASSWORD", ECDSA_PASSWORD);
    // anvil's account 0
    String privateKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    Path secret = Files.writeString(dir.resolve("ecdsa.hex"), privateKey + "\n");
    Path key = dir.resolve("imported.ecdsa.json");
    assertThat(importKey("ecdsa", secret, key)).as(err.toString()).isZero();
    assertThat(stdoutJson().get("address").asText())
        .isEqualToIgnoringCase("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assertThat(out.toString() + Files.readString(key)).doesNotContain(privateKey.substring(2));
    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    assertThat(stdoutJson().get("address").asText())
        .isEqualToIgnoringCase("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  }

  @Test
  void importedBlsKeyIsTheKeyOfItsSecret() throws Exception {
    env.put("OPERATOR_BLS_KEY_PASSWORD", BLS_PASSWORD);
    BigInteger sk = new BigInteger("12345678901234567890123456789");
    io.cvmavs.crypto.bls.BlsKeyPair expected = io.cvmavs.crypto.bls.BlsKeyPair.fromSecret(sk);
    Path decimal = Files.writeString(dir.resolve("bls.txt"), sk.toString());
    Path key = dir.resolve("imported.bls.json");
    assertThat(importKey("bls", decimal, key)).as(err.toString()).isZero();
    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    assertThat(stdoutJson().get("operatorId").asText())
        .isEqualTo(Numeric.toHexString(expected.operatorId()));
    // The same secret in hex gives the same key.
    Path hex = Files.writeString(dir.resolve("bls.hex"), "0x" + sk.toString(16));
    Path key2 = dir.resolve("imported2.bls.json");
    assertThat(importKey("bls", hex, key2)).as(err.toString()).isZero();
    assertThat(stdoutJson().get("operatorId").asText())
        .isEqualTo(Numeric.toHexString(expected.operatorId()));
  }

  @Test
  void importedEd25519KeyMatchesRfc8032FromHexAndFromCometBft() throws Exception {
    env.put("OPERATOR_ED25519_KEY_PASSWORD", ED25519_PASSWORD);
    Path seed = Files.writeString(dir.resolve("seed.hex"), RFC8032_SEED);
    Path key = dir.resolve("a.ed25519.json");
    assertThat(importKey("ed25519", seed, key)).as(err.toString()).isZero();
    assertThat(stdoutJson().get("publicKey").asText()).isEqualTo(RFC8032_PUBLIC);
    assertThat(run("keys", "show", key.toString())).as(err.toString()).isZero();
    assertThat(stdoutJson().get("publicKey").asText()).isEqualTo(RFC8032_PUBLIC);

    byte[] seedBytes = Numeric.hexStringToByteArray(RFC8032_SEED);
    byte[] pub = Numeric.hexStringToByteArray(RFC8032_PUBLIC);
    byte[] both = new byte[64];
    System.arraycopy(seedBytes, 0, both, 0, 32);
    System.arraycopy(pub, 0, both, 32, 32);
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    String comet =
        "{\"address\":\"00\",\"pub_key\":{\"type\":\"tendermint/PubKeyEd25519\",\"value\":\""
            + b64.encodeToString(pub)
            + "\"},\"priv_key\":{\"type\":\"tendermint/PrivKeyEd25519\",\"value\":\""
            + b64.encodeToString(both)
            + "\"}}";
    Path cometFile = Files.writeString(dir.resolve("priv_validator_key.json"), comet);
    Path key2 = dir.resolve("b.ed25519.json");
    assertThat(importKey("ed25519", cometFile, key2)).as(err.toString()).isZero();
    assertThat(stdoutJson().get("publicKey").asText()).isEqualTo(RFC8032_PUBLIC);

    // A seed+public key pair that does not belong together is refused, without echoing it.
    both[63] ^= 1;
    Path bad = Files.writeString(dir.resolve("bad.hex"), Numeric.toHexStringNoPrefix(both));
    assertThat(importKey("ed25519", bad, dir.resolve("c.json"))).isEqualTo(2);
    assertThat(err.toString()).contains("not the public key").doesNotContain(RFC8032_SEED);
    assertThat(dir.resolve("c.json")).doesNotExist();
  }

  @Test
  void importRefusesMalformedSecretsWithoutEchoingThem() throws Exception {
    env.put("OPERATOR_ECDSA_KEY_PASSWORD", ECDSA_PASSWORD);
    String secret = "0x" + "zz".repeat(32);
    Path file = Files.writeString(dir.resolve("bad.hex"), secret);
    assertThat(importKey("ecdsa", file, dir.resolve("k.json"))).isEqualTo(2);
    assertThat(err.toString())
        .contains("--from")
        .contains("not an ECDSA private key in hex")
        .doesNotContain("zzzz");
    Files.writeString(file, "0x" + "11".repeat(31));
    assertThat(importKey("ecdsa", file, dir.resolve("k.json"))).isEqualTo(2);
    assertThat(err.toString()).contains("holds 31 bytes");
    assertThat(importKey("ecdsa", dir.resolve("nope"), dir.resolve("k.json"))).isEqualTo(2);
    assertThat(err.toString()).contains("cannot read");
    assertThat(dir.resolve("k.json")).doesNotExist();
  }
}
