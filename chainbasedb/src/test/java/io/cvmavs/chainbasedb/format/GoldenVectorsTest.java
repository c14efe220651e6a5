package io.cvmavs.chainbasedb.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chainbasedb.GoldenVectors;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The golden vectors of docs/DB3-FORMAT.md §10 (src/test/resources/db3-golden-vectors.json): the
 * Java implementation must reproduce them, and an independent implementation — a Python script on
 * the standard library's hashlib (src/test/python/db3_signing_hash.py) — recomputes the encoding,
 * the data from the JSON form, the signing root and the database address. The Ed25519 vector is
 * verified with the JDK's own Ed25519 (not BouncyCastle); the eth vectors by the EVM in
 * EthEcrecoverIT.
 */
class GoldenVectorsTest {
  private static final Path VECTORS = Path.of("src/test/resources/db3-golden-vectors.json");
  private static final Path SCRIPT = Path.of("src/test/python/db3_signing_hash.py");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void javaReproducesTheCommittedVectors() throws IOException {
    JsonNode file = JSON.readTree(VECTORS.toFile());
    Map<String, Mutation> built = GoldenVectors.build();
    assertThat(file.size()).isEqualTo(built.size());
    MutationValidator validator = new MutationValidator(GoldenVectors.CHAIN_ID);
    for (JsonNode v : file) {
      Mutation m = built.get(v.get("name").asText());
      assertThat(m).as(v.get("name").asText()).isNotNull();
      assertThat("0x" + HEX.formatHex(m.signingRoot())).isEqualTo(v.get("signing_root").asText());
      assertThat("0x" + HEX.formatHex(m.encode())).isEqualTo(v.get("encoded").asText());
      assertThat(validator.checkStateless(m.encode()).sender().toString())
          .isEqualTo(v.get("sender").asText());
      // JSON form → binary gives back the signed bytes.
      Mutation fromJson = MutationJson.fromJson(v.get("json").toString());
      assertThat(HEX.formatHex(fromJson.encode()))
          .isEqualTo(v.get("encoded").asText().substring(2));
    }
  }

  @Test
  void pythonHashlibRecomputesTheVectors() throws Exception {
    Result r = runPython(VECTORS);
    assertThat(r.exit).as(r.out).isZero();
    assertThat(r.out)
        .contains(
            "OK eth-create-database 0x7e374c0ba52e60c2334b50b2510777bc5b8d4ad944f2670e64f9c41ed8b6376e")
        .contains("OK near-create-database")
        .contains("OK database-address db3_db:cvm:0x5b2df51d7450b2c4c34cec7909cfecb377edc24a");
  }

  @Test
  void pythonRejectsATamperedVector() throws Exception {
    ObjectNode v = (ObjectNode) JSON.readTree(VECTORS.toFile()).get(1);
    ObjectNode data = (ObjectNode) v.get("json").get("data").get("items").get(1).get("data");
    ((ObjectNode) data.get("documents").get(0)).put("name", "mallory");
    Path tmp = Files.createTempFile("db3-vectors", ".json");
    try {
      Files.writeString(tmp, "[" + v + "]");
      Result r = runPython(tmp);
      assertThat(r.exit).as(r.out).isEqualTo(1);
      assertThat(r.out).contains("MISMATCH eth-group-collection-and-documents");
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Test
  void nearVectorVerifiesWithTheJdksEd25519() throws Exception {
    Mutation m = GoldenVectors.build().get("near-create-database");
    byte[] pk = m.publicKey();
    // RFC 8032 encoding → JDK EdECPoint: y little-endian with x's parity in the top bit.
    byte[] le = pk.clone();
    boolean xOdd = (le[31] & 0x80) != 0;
    le[31] &= 0x7F;
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = le[31 - i];
    }
    PublicKey key =
        KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new EdECPublicKeySpec(
                    NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
    Signature s = Signature.getInstance("Ed25519");
    s.initVerify(key);
    s.update(m.signingRoot());
    assertThat(s.verify(m.signature())).isTrue();
  }

  private record Result(int exit, String out) {}

  private static Result runPython(Path vectors) throws Exception {
    Process p =
        new ProcessBuilder("python3", SCRIPT.toString(), vectors.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
