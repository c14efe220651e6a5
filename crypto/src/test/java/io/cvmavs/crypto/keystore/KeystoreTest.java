package io.cvmavs.crypto.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Wallet;
import org.web3j.crypto.WalletFile;

class KeystoreTest {
  private static final char[] PW = "correct horse battery staple".toCharArray();
  private final SecureRandom random = new SecureRandom();

  @TempDir Path dir;

  @Test
  void blsRoundTripWithOwnerOnlyPermissions() throws Exception {
    BlsKeyPair key = BlsKeyPair.generate(random);
    Path file = dir.resolve("keys/op.bls.key.json");
    BlsKeystore.write(file, key, PW, ScryptParams.LIGHT, random);
    assertThat(BlsKeystore.read(file, PW).secret()).isEqualTo(key.secret());
    assertThat(BlsKeystore.readPublicKey(file)).isEqualTo(key.publicKeyG1());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String json = Files.readString(file);
    assertThat(json)
        .contains(
            "\"pubKey\":\"E([" + key.publicKeyG1().x() + "," + key.publicKeyG1().y() + "])\"");
    assertThat(json)
        .doesNotContain(key.secret().toString(16))
        .doesNotContain(key.secret().toString());
    assertThat(Files.list(file.getParent())).containsExactly(file);
    assertThatThrownBy(() -> BlsKeystore.write(file, key, PW, ScryptParams.LIGHT, random))
        .isInstanceOf(KeystoreException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void wrongPasswordAndCorruptionAreTyped() throws Exception {
    BlsKeyPair key = BlsKeyPair.generate(random);
    Path file = dir.resolve("op.bls.key.json");
    BlsKeystore.write(file, key, PW, ScryptParams.LIGHT, random);
    assertThatThrownBy(() -> BlsKeystore.read(file, "nope".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessage("wrong password for keystore " + file + ": MAC mismatch");
    String json = Files.readString(file);
    Path truncated = dir.resolve("truncated.json");
    Files.writeString(truncated, json.substring(0, json.length() / 2));
    assertThatThrownBy(() -> BlsKeystore.read(truncated, PW))
        .isInstanceOf(CorruptKeystoreException.class)
        .hasMessageContaining("not valid JSON");
    ObjectNode node = (ObjectNode) KeystoreFiles.JSON.readTree(json);
    G1Point other = BlsKeyPair.generate(random).publicKeyG1();
    node.put("pubKey", BlsKeystore.formatPublicKey(other));
    Path mismatched = dir.resolve("mismatched.json");
    Files.writeString(mismatched, node.toString());
    assertThatThrownBy(() -> BlsKeystore.read(mismatched, PW))
        .isInstanceOf(CorruptKeystoreException.class)
        .hasMessageContaining("pubKey does not match");
    node.put("pubKey", "E([1,3])");
    Files.writeString(mismatched, node.toString());
    assertThatThrownBy(() -> BlsKeystore.read(mismatched, PW))
        .isInstanceOf(CorruptKeystoreException.class)
        .hasMessageContaining("not a valid G1 point");
    ((ObjectNode) node.get("crypto")).put("cipher", "aes-256-gcm");
    node.put("pubKey", BlsKeystore.formatPublicKey(key.publicKeyG1()));
    Files.writeString(mismatched, node.toString());
    assertThatThrownBy(() -> BlsKeystore.read(mismatched, PW))
        .isInstanceOf(CorruptKeystoreException.class)
        .hasMessageContaining("unsupported cipher");
    assertThatThrownBy(() -> BlsKeystore.read(dir.resolve("missing.json"), PW))
        .isInstanceOf(KeystoreException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void readsEigensdkKeystoreWithRealScryptParameters() throws Exception {
    // Written by eigensdk-go's BLS key SaveToFile (crypto/bls/operator_keys_test_directory),
    // password "test".
    Path file = dir.resolve("eigensdk.bls.key.json");
    try (var in = getClass().getResourceAsStream("/keystore/eigensdk-test.bls.key.json")) {
      Files.write(file, in.readAllBytes());
    }
    BlsKeyPair key = BlsKeystore.read(file, "test".toCharArray());
    assertThat(key.publicKeyG1().x())
        .isEqualTo(
            new BigInteger(
                "5926317184925439151187795302636898395466174058057092923258039738351796578930"));
    assertThat(key.publicKeyG1()).isEqualTo(G1Point.GENERATOR.mul(key.secret()));
  }

  @Test
  void ecdsaInteroperatesWithWeb3j() throws Exception {
    ECKeyPair key = Keys.createEcKeyPair();
    Path file = dir.resolve("op.ecdsa.key.json");
    String address = EcdsaKeystore.write(file, key, PW, ScryptParams.LIGHT, random);
    assertThat(address).isEqualTo(Keys.toChecksumAddress(Keys.getAddress(key)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    // web3j decrypts what we wrote
    WalletFile wf = KeystoreFiles.JSON.readValue(file.toFile(), WalletFile.class);
    assertThat(Wallet.decrypt(new String(PW), wf).getPrivateKey()).isEqualTo(key.getPrivateKey());
    assertThat(EcdsaKeystore.read(file, PW).getPrivateKey()).isEqualTo(key.getPrivateKey());
    // we decrypt what web3j wrote
    ECKeyPair other = Keys.createEcKeyPair();
    WalletFile theirs = Wallet.createLight(new String(PW), other);
    Path theirFile = dir.resolve("web3j.json");
    KeystoreFiles.JSON.writeValue(theirFile.toFile(), theirs);
    assertThat(EcdsaKeystore.read(theirFile, PW).getPrivateKey()).isEqualTo(other.getPrivateKey());
    String web3jAddress = Credentials.create(other).getAddress();
    assertThat(EcdsaKeystore.address(EcdsaKeystore.read(theirFile, PW)))
        .isEqualTo(Keys.toChecksumAddress(web3jAddress));
    assertThatThrownBy(() -> EcdsaKeystore.read(theirFile, "x".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageContaining("MAC mismatch");
  }

  @Test
  void passwordFromEnvironmentElsePrompt() {
    PasswordSource prompt = what -> "prompted".toCharArray();
    PasswordSource fromEnv =
        PasswordSource.envOrPrompt(
            PasswordSource.BLS_ENV, Map.of(PasswordSource.BLS_ENV, "secret")::get, prompt);
    assertThat(fromEnv.password("k.json")).isEqualTo("secret".toCharArray());
    PasswordSource noEnv =
        PasswordSource.envOrPrompt(PasswordSource.ECDSA_ENV, Map.<String, String>of()::get, prompt);
    assertThat(noEnv.password("k.json")).isEqualTo("prompted".toCharArray());
    PasswordSource noTerminal =
        PasswordSource.envOrPrompt(
            PasswordSource.ECDSA_ENV,
            Map.<String, String>of()::get,
            what -> {
              throw new KeystoreException("run in an interactive terminal to be prompted");
            });
    assertThatThrownBy(() -> noTerminal.password("k.json"))
        .isInstanceOf(KeystoreException.class)
        .hasMessageContaining("set " + PasswordSource.ECDSA_ENV)
        .hasMessageNotContaining("secret");
    assertThat(new String(SecretStorage.utf8("pässwörd".toCharArray()), StandardCharsets.UTF_8))
        .isEqualTo("pässwörd");
  }
}
