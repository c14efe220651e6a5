package io.cvmavs.storage.anchor;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.storage.ArLocal;
import io.cvmavs.localnet.storage.IpfsDaemon;
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
import io.cvmavs.storage.group.GroupPacker;
import io.cvmavs.storage.ipfs.IpfsBackend;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery rate per backend (docs/BENCHMARKS.md, "storage-adapters: anchoring"): a harness, not a
 * test — it asserts nothing about time and runs only when named:
 *
 * <pre>
 * bin/mvn -q -o -pl storage-adapters -am verify -Dforge.skipTests=true -Dtest=None \
 *   -Dit.test=RecoveryRateHarness -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dfailsafe.failIfNoSpecifiedTests=false -Drecovery.blocks=2000
 * </pre>
 *
 * {@code recovery.blocks} blocks (30 transfers each) packed into 1 MiB groups are stored on each
 * backend's local server; an empty RocksDB block store is then rebuilt per backend through {@link
 * Recovery#fromAnchors} (download, size, heights, group hash, data and audit roots, every block
 * hash, append). Prints one line per backend; run each backend's recovery twice and report the
 * second (warm JIT).
 */
@WithStorageServers
class RecoveryRateHarness {
  @Test
  void recoveryRatePerBackend(@TempDir Path dir, S3Server s3, ArLocal arlocal, IpfsDaemon ipfs) {
    int n = Integer.getInteger("recovery.blocks", 2000);
    List<CvmBlock> chain = TestBlocks.chain(n, 30, 77);
    List<BlockGroup> groups = new ArrayList<>();
    GroupPacker packer =
        new GroupPacker(
            1,
            TestBlocks.MANUSCRIPT,
            GroupPacker.DEFAULT_TARGET_BYTES,
            Duration.ofHours(1),
            Clock.systemUTC(),
            List::of);
    for (CvmBlock b : chain) {
      packer.add(b).ifPresent(groups::add);
    }
    packer.flush().ifPresent(groups::add);
    ArweaveWallet wallet = ArweaveWallet.generate();
    arlocal.mint(wallet.address(), 1_000_000_000_000_000L);
    List<StorageBackend> backends =
        List.of(
            new LocalDiskBackend("local", dir.resolve("disk")),
            S3BackendIT.backend(s3),
            new ArweaveBackend("arweave", URI.create(arlocal.url()), wallet),
            new IpfsBackend("ipfs", URI.create(ipfs.apiUrl())));
    for (StorageBackend backend : backends) {
      List<Recovery.Expected> expected = new ArrayList<>();
      long bytes = 0;
      for (BlockGroup g : groups) {
        Receipt r = backend.put(g.bytes());
        bytes += g.size();
        expected.add(
            new Recovery.Expected(
                r.locator(),
                g.header().firstHeight(),
                g.header().lastHeight(),
                g.size(),
                g.header().groupHash(),
                g.dataRoot(),
                g.auditRoot()));
      }
      if (backend instanceof ArweaveBackend) {
        arlocal.mine(1);
      }
      Recovery.Result r = null;
      for (int round = 0; round < 2; round++) {
        try (CvmBlockStore store = CvmBlockStore.open(dir.resolve(backend.name() + "-" + round))) {
          r = Recovery.fromAnchors(backend, expected, store);
        }
      }
      System.out.printf(
          "[recovery-rate] %-7s %d blocks in %d groups (%.1f MB): %d ms, %.0f blocks/s%n",
          backend.name(),
          r.blocksAppended(),
          r.groups(),
          bytes / 1e6,
          r.millis(),
          r.blocksPerSecond());
    }
  }
}
