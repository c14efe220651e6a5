package io.cvmavs.storage.recover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.PreviousLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery into a real (RocksDB) CVM block store from the local disk backend. */
class RecoveryTest {
  static final List<CvmBlock> CHAIN = TestBlocks.chain(7, 30, 4);
  @TempDir Path dir;

  /** Groups of blocks [0,3), [3,5), [5,7), each naming the previous one's local locator. */
  List<Receipt> store(LocalDiskBackend local) {
    List<Receipt> receipts = new ArrayList<>();
    int[][] ranges = {{0, 3}, {3, 5}, {5, 7}};
    for (int[] r : ranges) {
      List<PreviousLocator> prev =
          receipts.isEmpty()
              ? List.of()
              : List.of(new PreviousLocator("local", receipts.getLast().locator()));
      receipts.add(
          local.put(
              BlockGroup.pack(1, TestBlocks.MANUSCRIPT, CHAIN.subList(r[0], r[1]), prev).bytes()));
    }
    return receipts;
  }

  @Test
  void walksBackFromTheNewestGroupAndRebuildsTheStore() {
    LocalDiskBackend local = new LocalDiskBackend(dir.resolve("groups"));
    List<Receipt> receipts = store(local);
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("node"))) {
      Recovery.Result r = Recovery.walkBack(local, receipts.getLast().locator(), store);
      assertThat(r.groups()).isEqualTo(3);
      assertThat(r.blocksAppended()).isEqualTo(7);
      byte[] m = Keccak.hash(TestBlocks.MANUSCRIPT);
      assertThat(store.head(m))
          .get()
          .satisfies(h -> assertThat(h.hash()).isEqualTo(CHAIN.get(6).hash()));
      store
          .block(CHAIN.get(4).hash())
          .orElseThrow()
          .prove("transfers", 3)
          .verify(CHAIN.get(4).hash());
      // again: everything is there already
      assertThat(Recovery.fromReceipts(local, receipts, store).blocksAppended()).isZero();
    }
  }

  @Test
  void refusesAnAlteredGroup() throws Exception {
    LocalDiskBackend local = new LocalDiskBackend(dir.resolve("groups"));
    List<Receipt> receipts = store(local);
    Path middle =
        dir.resolve("groups")
            .resolve(receipts.get(1).hash().substring(0, 2))
            .resolve(receipts.get(1).hash() + ".cvmg");
    byte[] bytes = Files.readAllBytes(middle);
    bytes[bytes.length - 7] ^= 0x40;
    Files.write(middle, bytes);
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("node"))) {
      assertThatThrownBy(() -> Recovery.fromReceipts(local, receipts, store))
          .hasMessageContaining("not the receipt's");
      // without receipts the walk still checks the group hash
      assertThatThrownBy(() -> Recovery.walkBack(local, receipts.getLast().locator(), store))
          .hasMessageContaining("block group");
    }
  }
}
