package io.cvmavs.storage.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.storage.ArLocal;
import io.cvmavs.localnet.storage.S3Server;
import io.cvmavs.localnet.storage.WithStorageServers;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.arweave.ArweaveBackend;
import io.cvmavs.storage.arweave.ArweaveWallet;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.backend.S3BackendIT;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.BlockGroupTest;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox against real servers (local disk, s3rver, arlocal): one group stored on all three; the
 * Arweave transaction is persisted before it is posted and a re-run after a simulated crash (its
 * receipt lost, the signed transaction kept) re-posts the same transaction; then a wiped node
 * recovers from each backend.
 */
@WithStorageServers
class OutboxArweaveIT {
  @TempDir Path dir;

  @Test
  void storesOnEveryBackendSignsArweaveOnceAndRecoversFromEach(ArLocal arlocal, S3Server s3)
      throws Exception {
    ArweaveWallet wallet = ArweaveWallet.generate();
    arlocal.mint(wallet.address(), 1_000_000_000_000L);
    ArweaveBackend arweave = new ArweaveBackend("arweave", URI.create(arlocal.url()), wallet);
    List<StorageBackend> backends =
        List.of(new LocalDiskBackend(dir.resolve("local")), S3BackendIT.backend(s3), arweave);
    BlockGroupTest.MutableClock clock = new BlockGroupTest.MutableClock();
    Backoff backoff = Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1));
    Outbox outbox = new Outbox(dir.resolve("outbox"), backends, backoff, clock);
    BlockGroup g = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(4, 20, 8), List.of());
    String hash = outbox.enqueue(g);

    Outbox.Run run = outbox.runOnce();
    assertThat(run.failures()).isEmpty();
    assertThat(run.stored()).extracting(Receipt::backend).containsExactly("local", "s3", "arweave");
    String txId = outbox.state(hash).at("/backends/arweave/tx/id").asText();
    assertThat(outbox.receipts(hash).get("arweave").locator()).isEqualTo(txId);

    // crash after signing and posting, before the receipt was written: drop the receipt only
    Path stateFile = dir.resolve("outbox/state/" + hash + ".json");
    ObjectNode state =
        (ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper().readTree(stateFile.toFile());
    ((ObjectNode) state.at("/backends/arweave")).remove("receipt");
    Files.writeString(stateFile, state.toString());
    Outbox restarted = new Outbox(dir.resolve("outbox"), backends, backoff, clock);
    Outbox.Run again = restarted.runOnce();
    assertThat(again.stored())
        .singleElement()
        .satisfies(r -> assertThat(r.locator()).isEqualTo(txId));

    // the next group names this one on every backend, Arweave by the signed transaction's id
    BlockGroup next =
        BlockGroup.pack(
            1,
            TestBlocks.MANUSCRIPT,
            TestBlocks.chain(6, 20, 8).subList(4, 6),
            restarted.locators(hash));
    assertThat(next.header().previousOn("arweave")).isEqualTo(txId);
    String nextHash = restarted.enqueue(next);
    String nextTx =
        restarted.locators(nextHash).stream()
            .filter(p -> p.backend().equals("arweave"))
            .findFirst()
            .orElseThrow()
            .locator();
    assertThat(restarted.runOnce().failures()).isEmpty();
    assertThat(arweave.transaction(nextTx).orElseThrow().tag("Last-Group-Tx")).isEqualTo(txId);

    arlocal.mine(1);
    for (StorageBackend b : backends) {
      // walking back from the newest group's locator alone (Last-Group-Tx on Arweave)
      String newest = restarted.receipts(nextHash).get(b.name()).locator();
      try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("walk-" + b.name()))) {
        Recovery.Result walked = Recovery.walkBack(b, newest, store);
        assertThat(walked.groups()).as(b.name()).isEqualTo(2);
        assertThat(walked.blocksAppended()).as(b.name()).isEqualTo(6);
      }
    }
    for (StorageBackend b : backends) {
      Receipt r = restarted.receipts(hash).get(b.name());
      try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("node-" + b.name()))) {
        Recovery.Result result = Recovery.fromReceipts(b, List.of(r), store);
        assertThat(result.blocksAppended()).as(b.name()).isEqualTo(4);
      }
    }
  }
}
