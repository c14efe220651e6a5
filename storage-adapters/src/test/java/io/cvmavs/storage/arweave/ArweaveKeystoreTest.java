package io.cvmavs.storage.arweave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.crypto.keystore.KeystoreException;
import io.cvmavs.crypto.keystore.PasswordSource;
import io.cvmavs.crypto.keystore.ScryptParams;
import io.cvmavs.crypto.keystore.WrongPasswordException;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.backend.StorageBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Arweave wallet kept as an encrypted JWK keystore: read back with its password (from {@code
 * ARWEAVE_KEY_PASSWORD} through {@code anchor.yaml}), a wrong one refused without echoing it, a
 * plain JWK still read without any password.
 */
class ArweaveKeystoreTest {
  static final ArweaveWallet WALLET = ArweaveWallet.generate();

  @Test
  void aKeystoreReadsBackTheSameKeyAndAWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
    Path ks = dir.resolve("arweave-keystore.json");
    WALLET.writeKeystore(ks, "s3cret-pw".toCharArray(), ScryptParams.LIGHT);
    String text = Files.readString(ks);
    assertThat(text)
        .contains("\"keyType\":\"jwk\"")
        .contains(WALLET.address())
        .doesNotContain("\"d\"");

    ArweaveWallet back = ArweaveWallet.read(ks, what -> "s3cret-pw".toCharArray());
    assertThat(back.address()).isEqualTo(WALLET.address());
    assertThat(back.jwk()).isEqualTo(WALLET.jwk());

    assertThatThrownBy(() -> ArweaveWallet.read(ks, what -> "wrong-pw".toCharArray()))
        .isInstanceOf(WrongPasswordException.class)
        .hasMessageNotContaining("wrong-pw");

    // a plain JWK needs no password
    Path plain = dir.resolve("plain.json");
    WALLET.write(plain);
    PasswordSource none =
        what -> {
          throw new KeystoreException("no password expected for " + what);
        };
    assertThat(ArweaveWallet.read(plain, none).address()).isEqualTo(WALLET.address());
  }

  @Test
  void anchorYamlOpensAKeystoreWalletWithThePasswordFromTheEnvironment(@TempDir Path dir)
      throws Exception {
    WALLET.writeKeystore(dir.resolve("ar.json"), "env-pw".toCharArray(), ScryptParams.LIGHT);
    Path yaml =
        Files.writeString(
            dir.resolve("anchor.yaml"),
            """
            eth_rpc_url: http://127.0.0.1:8545
            anchor_registry: "0x%s"
            block_store: blocks
            data_dir: anchor
            backends:
              - {name: arweave, type: arweave, gateway: "http://127.0.0.1:1984", wallet: ar.json}
            """
                .formatted("ab".repeat(20)));
    AnchorConfig c = AnchorConfig.load(yaml);
    List<StorageBackend> opened = c.openBackends(Map.of("ARWEAVE_KEY_PASSWORD", "env-pw")::get);
    assertThat(opened).extracting(StorageBackend::name).containsExactly("arweave");
    assertThatThrownBy(() -> c.openBackends(Map.of("ARWEAVE_KEY_PASSWORD", "nope")::get))
        .isInstanceOf(AnchorConfigException.class)
        .hasMessageContaining("backend 'arweave': wallet " + dir.resolve("ar.json"))
        .hasMessageNotContaining("nope");
  }
}
