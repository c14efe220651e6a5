package io.cvmavs.operator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.operator.cli.CliContext;
import io.cvmavs.operator.cli.CvmAvsCommand;
import java.io.PrintWriter;
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
import picocli.CommandLine;

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

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine(new CliContext(env::get));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
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
    assertThat(err.toString()).contains("expected bls or ecdsa");
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
}
