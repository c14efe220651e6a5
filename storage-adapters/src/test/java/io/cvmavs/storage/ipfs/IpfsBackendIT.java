package io.cvmavs.storage.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.storage.IpfsDaemon;
import io.cvmavs.localnet.storage.WithStorageServers;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IPFS backend against the Helia Kubo-RPC daemon ({@code tools/ipfs/helia-rpc.mjs}): every CID
 * we compute is compared with the one Helia's importer (an implementation nobody here wrote)
 * answers, on sizes around the chunk and 174-link boundaries; a group round-trips and recovers.
 */
@WithStorageServers
class IpfsBackendIT {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {1, 262_144, 262_145, 1_000_000, 174 * 262_144, 174 * 262_144 + 1})
  void ourCidsAgreeWithHelia(int size, IpfsDaemon ipfs) {
    byte[] data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    IpfsBackend backend = new IpfsBackend("ipfs", URI.create(ipfs.apiUrl()));
    Receipt r = backend.put(data); // throws when Helia's CID differs from ours
    assertThat(r.locator()).isEqualTo(UnixFsCid.of(data)).startsWith("b");
    assertThat(backend.exists(r.locator())).isTrue();
  }

  @Test
  void aGroupRoundTripsAndRecovers(IpfsDaemon ipfs) {
    IpfsBackend backend = new IpfsBackend("ipfs", URI.create(ipfs.apiUrl()));
    BlockGroup g =
        BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(5, 300, 13), List.of());
    Receipt r = backend.put(g.bytes());
    assertThat(backend.get(r)).hasValueSatisfying(b -> assertThat(b).isEqualTo(g.bytes()));
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("node"))) {
      assertThat(Recovery.fromReceipts(backend, List.of(r), store).blocksAppended()).isEqualTo(5);
    }
    assertThat(backend.get(UnixFsCid.of(new byte[] {9, 9, 9}))).isEmpty();
  }
}
