package io.cvmavs.operator.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.crypto.keystore.JwkKeystore;
import io.cvmavs.operator.cli.CliRun;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.storage.arweave.ArweaveWallet;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cvm-avs storage import-arweave-key}: a plain Arweave JWK into an encrypted keystore that
 * {@link JwkKeystore} opens and whose key signs as the plain one; the password from {@code
 * ARWEAVE_KEY_PASSWORD}, never printed; no overwrite; owner-only file; a bad JWK named.
 */
class StorageImportArweaveKeyTest {
  static final String PASSWORD = "arweave-import-pw";
  static final ObjectMapper JSON = new ObjectMapper();
  static ArweaveWallet wallet;

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void key() {
    wallet = ArweaveWallet.generate();
  }

  int run(Map<String, String> env, String... args) {
    return CliRun.run(new CliContext(new HashMap<>(env)::get), out, err, args);
  }

  int importKey(Path from, Path to, String password) {
    return run(
        Map.of(JwkKeystore.ARWEAVE_PASSWORD_ENV, password),
        "storage",
        "import-arweave-key",
        "--from",
        from.toString(),
        "--out",
        to.toString(),
        "--light-kdf");
  }

  @Test
  void theEncryptedKeystoreOpensAndSignsAsThePlainKey() throws Exception {
    Path plain = dir.resolve("wallet.json");
    wallet.write(plain);
    Path ks = dir.resolve("wallet.keystore.json");

    assertThat(importKey(plain, ks, PASSWORD)).as(err.toString()).isZero();

    JsonNode printed = JSON.readTree(out.toString());
    assertThat(printed.get("address").asText()).isEqualTo(wallet.address());
    assertThat(printed.get("keystore").asText()).isEqualTo(ks.toString());
    assertThat(out.toString() + err).doesNotContain(PASSWORD);
    assertThat(Files.readString(ks)).doesNotContain(wallet.jwk().get("d").asText());
    assertThat(Files.getPosixFilePermissions(ks))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    // JwkKeystore decrypts it to the same JWK
    assertThat(JwkKeystore.address(ks)).isEqualTo(wallet.address());
    byte[] jwk = JwkKeystore.read(ks, PASSWORD.toCharArray());
    assertThat(JSON.readTree(jwk)).isEqualTo(wallet.jwk());
    Arrays.fill(jwk, (byte) 0);

    // the wallet opened from the keystore (as anchor.yaml opens it) signs as the plain one: the
    // signatures (RSA-PSS, random salt) verify under each other's public key
    ArweaveWallet opened = ArweaveWallet.read(ks, what -> PASSWORD.toCharArray());
    ArweaveWallet fromPlain = ArweaveWallet.read(plain);
    assertThat(opened.address()).isEqualTo(fromPlain.address());
    assertThat(opened.owner()).isEqualTo(fromPlain.owner());
    byte[] message = "a block group".getBytes(StandardCharsets.UTF_8);
    assertThat(ArweaveWallet.verify(fromPlain.owner(), message, opened.sign(message))).isTrue();
    assertThat(ArweaveWallet.verify(opened.owner(), message, fromPlain.sign(message))).isTrue();
    assertThat(ArweaveWallet.verify(opened.owner(), "other".getBytes(), opened.sign(message)))
        .isFalse();
  }

  @Test
  void anExistingFileIsNeverOverwritten() throws Exception {
    Path plain = dir.resolve("wallet.json");
    wallet.write(plain);
    Path ks = Files.writeString(dir.resolve("taken.json"), "keep me");
    assertThat(importKey(plain, ks, PASSWORD)).isEqualTo(2);
    assertThat(err.toString()).contains("already exists; refusing to overwrite");
    assertThat(Files.readString(ks)).isEqualTo("keep me");
  }

  @Test
  void badInputIsNamedAndWritesNothing() throws Exception {
    Path plain = dir.resolve("wallet.json");
    wallet.write(plain);
    Path ks = dir.resolve("ks.json");

    assertThat(importKey(plain, ks, "Qz7!k")).isEqualTo(2);
    assertThat(err.toString())
        .contains("ARWEAVE_KEY_PASSWORD is 5 characters")
        .doesNotContain("Qz7!k");

    var jwk = wallet.jwk();
    jwk.remove("dq");
    Path missing = Files.write(dir.resolve("missing.json"), JSON.writeValueAsBytes(jwk));
    assertThat(importKey(missing, ks, PASSWORD)).isEqualTo(2);
    assertThat(err.toString()).contains("--from " + missing + ": JWK field 'dq' is missing");

    // private fields that do not belong to the modulus: p and q (with dp, dq) swapped, qi kept
    var mixed = wallet.jwk();
    mixed.put("p", wallet.jwk().get("q").asText());
    mixed.put("q", wallet.jwk().get("p").asText());
    mixed.put("dp", wallet.jwk().get("dq").asText());
    mixed.put("dq", wallet.jwk().get("dp").asText());
    Path foreign = Files.write(dir.resolve("mixed.json"), JSON.writeValueAsBytes(mixed));
    assertThat(importKey(foreign, ks, PASSWORD)).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("do not belong to its modulus 'n'");

    // an encrypted keystore is not imported again
    Path ks2 = dir.resolve("ks2.json");
    assertThat(importKey(plain, ks2, PASSWORD)).isZero();
    assertThat(importKey(ks2, ks, PASSWORD)).isEqualTo(2);
    assertThat(err.toString()).contains("is an encrypted JWK keystore already");

    assertThat(ks).doesNotExist();
    assertThat(err.toString()).doesNotContain(wallet.jwk().get("d").asText());
  }
}
