package io.cvmavs.storage.arweave;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.localnet.storage.ArLocal;
import io.cvmavs.localnet.storage.WithStorageServers;
import io.cvmavs.storage.NodeScript;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.PreviousLocator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arweave format-2 transactions written here, posted to a real arlocal and — because arlocal checks
 * no signatures — every transaction verified by arweave-js ({@code
 * src/test/node/arweave-verify.cjs}).
 */
@WithStorageServers
class ArweaveBackendIT {
  static ArweaveWallet wallet;
  @TempDir Path dir;

  @BeforeAll
  static void key() {
    wallet = ArweaveWallet.generate();
  }

  JsonNode verifiedByArweaveJs(ArweaveTx tx, byte[] data) throws Exception {
    Path txFile = Files.writeString(dir.resolve(tx.id() + ".json"), tx.toJson(null).toString());
    Path dataFile = Files.write(dir.resolve(tx.id() + ".bin"), data);
    return NodeScript.run("arweave-verify.cjs", txFile.toString(), dataFile.toString());
  }

  @Test
  void anchorsAGroupThatArweaveJsVerifiesAndReadsItBack(ArLocal arlocal) throws Exception {
    ArweaveBackend backend = new ArweaveBackend("arweave", URI.create(arlocal.url()), wallet);
    arlocal.mint(wallet.address(), 1_000_000_000_000L);
    BlockGroup g =
        BlockGroup.pack(
            1,
            TestBlocks.MANUSCRIPT,
            TestBlocks.chain(3, 40, 5),
            List.of(new PreviousLocator("arweave", "x".repeat(43))));
    byte[] file = g.bytes();
    ArweaveTx tx = backend.prepare(file);
    JsonNode js = verifiedByArweaveJs(tx, file);
    assertThat(js.get("valid").asBoolean()).isTrue();
    assertThat(js.get("dataRootMatches").asBoolean()).isTrue();
    assertThat(js.get("ownerAddress").asText()).isEqualTo(wallet.address());
    assertThat(tx.tag("Group-Hash")).isEqualTo(HexFormat.of().formatHex(g.header().groupHash()));
    assertThat(tx.tag("Start-Block")).isEqualTo("0");
    assertThat(tx.tag("End-Block")).isEqualTo("2");
    assertThat(tx.tag("Last-Group-Tx")).isEqualTo("x".repeat(43));

    Receipt r = backend.post(tx, file);
    assertThat(r.locator()).isEqualTo(tx.id());
    assertThat(backend.post(tx, file)).isEqualTo(r); // re-posting the same signed tx is harmless
    assertThat(backend.confirmations(tx.id())).isEmpty(); // pending
    arlocal.mine(2); // arlocal counts confirmations as blocks after the including one
    assertThat(
            backend.awaitConfirmations(
                tx.id(),
                1,
                Duration.ofSeconds(20),
                Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(1)),
                d -> Thread.sleep(d.toMillis())))
        .isTrue();
    assertThat(backend.exists(tx.id())).isTrue();
    assertThat(backend.get(r)).hasValueSatisfying(b -> assertThat(b).isEqualTo(file));
    ArweaveTx stored = backend.transaction(tx.id()).orElseThrow();
    stored.verify(file);
    assertThat(stored.id()).isEqualTo(tx.id());
  }

  @Test
  void multiChunkTransactionsVerifyAndTheirChunksPost(ArLocal arlocal) throws Exception {
    ArweaveBackend backend = new ArweaveBackend("arweave", URI.create(arlocal.url()), wallet);
    arlocal.mint(wallet.address(), 1_000_000_000_000L);
    BlockGroup g =
        BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(6, 900, 11), List.of());
    byte[] file = g.bytes();
    assertThat(file.length).isGreaterThan(256 * 1024); // two chunks at least
    ArweaveTx tx = backend.prepare(file);
    JsonNode js = verifiedByArweaveJs(tx, file);
    assertThat(js.get("valid").asBoolean()).isTrue();
    assertThat(js.get("dataRootMatches").asBoolean()).isTrue();
    Receipt r = backend.post(tx, file);
    assertThat(r.size()).isEqualTo(file.length);
  }

  @Test
  void signatureAndDataRootErrorsNameTheField() {
    byte[] file =
        BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(1, 5, 2), List.of()).bytes();
    ArweaveTx tx =
        ArweaveTx.sign(wallet, file, List.of(new ArweaveTx.Tag("A", "b")), new byte[32], "100");
    tx.verify(file);
    byte[] other = file.clone();
    other[other.length - 1] ^= 1;
    assertThatThrownBy(() -> tx.verify(other)).hasMessageContaining("'data_root'");
    ArweaveTx forged =
        new ArweaveTx(
            tx.id(),
            tx.lastTx(),
            tx.owner(),
            List.of(new ArweaveTx.Tag("A", "c")),
            tx.reward(),
            tx.dataSize(),
            tx.dataRoot(),
            tx.signature());
    assertThatThrownBy(() -> forged.verify(null)).hasMessageContaining("'signature'");
    ArweaveTx back = ArweaveTx.fromJson(tx.toJson(null));
    back.verify(file);
    assertThatThrownBy(() -> ArweaveTx.fromJson(tx.toJson(null).without("data_root")))
        .hasMessageContaining("'data_root' is missing");
  }
}
