package io.cvmavs.storage.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.storage.ArLocal;
import io.cvmavs.localnet.storage.IpfsDaemon;
import io.cvmavs.localnet.storage.S3Server;
import io.cvmavs.localnet.storage.WithStorageServers;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.arweave.ArweaveBackend;
import io.cvmavs.storage.arweave.ArweaveWallet;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.S3BackendIT;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.ipfs.IpfsBackend;
import io.cvmavs.storage.outbox.Outbox;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anchoring service end to end against real parts: anvil with the contracts deployed by the
 * project's forge deploy script, and the four backends on their local servers (disk, s3rver,
 * arlocal, the Helia Kubo-RPC daemon). Blocks are made by the CVM's own block builder.
 */
@WithAnvil
@WithStorageServers
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnchoringServiceIT {
  static final List<CvmBlock> CHAIN = TestBlocks.chain(12, 40, 21);
  static final byte[] STREAM = Keccak.hash(TestBlocks.MANUSCRIPT);
  static final Backoff BACKOFF = Backoff.exponential(Duration.ofMillis(1), Duration.ofMillis(10));

  AnchorChain chain;

  String snapshot;

  @BeforeAll
  void deploy(AnvilNode anvil) {
    chain = AnchorChain.deploy(anvil);
  }

  /** Every test starts from the freshly deployed registry (anvil snapshot / revert). */
  @BeforeEach
  void snapshot() {
    snapshot = chain.anvil().snapshot();
  }

  @AfterEach
  void revert() {
    chain.anvil().revert(snapshot);
  }

  AnchoringService service(Path dir, List<StorageBackend> backends, CvmBlockStore store) {
    return service(dir, backends, store, ReplicationPolicy.all(names(backends)));
  }

  AnchoringService service(
      Path dir, List<StorageBackend> backends, CvmBlockStore store, ReplicationPolicy policy) {
    return new AnchoringService(
        new AnchoringService.Settings(dir, 1, STREAM, 16 * 1024, Duration.ofHours(1)),
        AnchoringService.BlockSource.of(store, STREAM),
        new Outbox(dir.resolve("outbox"), backends, BACKOFF, Clock.systemUTC()),
        policy,
        chain.registry(),
        chain.tx(),
        Clock.systemUTC());
  }

  static List<String> names(List<StorageBackend> backends) {
    return backends.stream().map(StorageBackend::name).toList();
  }

  @Test
  void anchorsToAllFourBackendsThenEachRebuildsTheSameBlocksFromTheAnchorsAlone(
      @TempDir Path dir, S3Server s3, ArLocal arlocal, IpfsDaemon ipfs) throws Exception {
    ArweaveWallet wallet = ArweaveWallet.generate();
    arlocal.mint(wallet.address(), 1_000_000_000_000L);
    List<StorageBackend> backends =
        List.of(
            new LocalDiskBackend("local", dir.resolve("disk")),
            S3BackendIT.backend(s3),
            new ArweaveBackend("arweave", URI.create(arlocal.url()), wallet),
            new IpfsBackend("ipfs", URI.create(ipfs.apiUrl())));
    long fromBlock = chain.anvil().blockNumber();
    try (CvmBlockStore store =
        AnchorChain.storeWith(dir.resolve("node"), TestBlocks.MANUSCRIPT, CHAIN)) {
      AnchoringService service = service(dir.resolve("anchor"), backends, store);
      AnchoringService.Step step = service.flush();
      assertThat(step.failures()).isEmpty();
      assertThat(step.closed()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(step.anchored()).hasSameSizeAs(step.closed());
      assertThat(service.groups()).allMatch(AnchoringService.GroupStatus::anchored);
      assertThat(service.groups().getLast().lastHeight()).isEqualTo(11);
    }
    arlocal.mine(1);

    List<AnchoredGroup> anchors =
        chain.registry().anchors(Optional.of(STREAM), fromBlock, chain.anvil().blockNumber());
    assertThat(anchors).isNotEmpty();
    assertThat(anchors.getFirst().firstHeight()).isZero();
    assertThat(anchors.getLast().lastHeight()).isEqualTo(11);
    for (AnchoredGroup a : anchors) {
      assertThat(a.locators())
          .extracting(p -> p.backend())
          .containsExactly("arweave", "ipfs", "local", "s3");
    }
    assertThat(chain.registry().nextHeight(STREAM)).isEqualTo(12);

    for (StorageBackend b : backends) {
      try (CvmBlockStore empty = CvmBlockStore.open(dir.resolve("recovered-" + b.name()))) {
        Recovery.Result r = AnchorRecovery.recover(b, anchors, empty);
        assertThat(r.blocksAppended()).as(b.name()).isEqualTo(12);
        assertThat(empty.head(STREAM).orElseThrow().hash())
            .as(b.name())
            .isEqualTo(CHAIN.getLast().hash());
        for (CvmBlock block : CHAIN) {
          assertThat(empty.blockHashAt(STREAM, block.header().height()))
              .as(b.name())
              .contains(block.hash());
        }
        System.out.printf(
            "[bench] recovery from %s: %d blocks, %d groups, %d bytes in %d ms (%.0f blocks/s)%n",
            b.name(), r.blocksAppended(), r.groups(), r.bytes(), r.millis(), r.blocksPerSecond());
      }
    }

    // an audit of the first group answered from the disk holder passes; a corrupted chunk fails
    byte[] seed = Keccak.hash("a finalised block hash".getBytes());
    StorageBackend local = backends.getFirst();
    assertThat(GroupAudit.run(local, anchors.getFirst(), seed).passed()).isTrue();
    Path file;
    try (Stream<Path> files = Files.walk(dir.resolve("disk"))) {
      String name = anchors.getFirst().locatorOn("local").orElseThrow() + ".cvmg";
      file = files.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    GroupAudit.Result before = GroupAudit.run(local, anchors.getFirst(), seed);
    int victim = before.challenge().indices().getFirst();
    bytes[victim * 8192 + 5] ^= 1;
    Files.write(file, bytes);
    GroupAudit.Result after = GroupAudit.run(local, anchors.getFirst(), seed);
    assertThat(after.passed()).isFalse();
    // the altered chunk is named (paths built over the damaged copy may fail its tree neighbours
    // too)
    assertThat(after.outcome().failures())
        .contains("chunk " + victim + " does not hash up to the audit root (wrong content)");
    // and recovery from the damaged copy is refused, naming the group
    try (CvmBlockStore empty = CvmBlockStore.open(dir.resolve("recovered-damaged"))) {
      assertThatThrownBy(() -> AnchorRecovery.recover(local, anchors, empty))
          .hasMessageContaining("group at heights 0..");
    }
  }

  @Test
  void aBackendDownHoldsTheAnchorTheRestartResumesAndNothingIsSentOrStoredTwice(@TempDir Path dir)
      throws Exception {
    List<CvmBlock> blocks = TestBlocks.chain(6, 40, 5);
    Path broken = dir.resolve("broken");
    Files.writeString(broken, "not a folder");
    List<StorageBackend> backends =
        List.of(
            new LocalDiskBackend("local", dir.resolve("disk")),
            new LocalDiskBackend("mirror", broken.resolve("sub")));
    try (CvmBlockStore store =
        AnchorChain.storeWith(dir.resolve("node"), TestBlocks.MANUSCRIPT, blocks)) {
      long nonce = chain.nonce();
      AnchoringService first = service(dir.resolve("anchor"), backends, store);
      AnchoringService.Step s1 = first.flush();
      assertThat(s1.closed()).isNotEmpty();
      assertThat(s1.anchored()).isEmpty(); // the mirror is required and down
      assertThat(s1.failures()).anyMatch(f -> f.contains("waits for mirror"));
      assertThat(chain.nonce()).isEqualTo(nonce);

      Files.delete(broken); // repaired; the process restarts
      Thread.sleep(20); // past the backoff
      AnchoringService second = service(dir.resolve("anchor"), backends, store);
      AnchoringService.Step s2 = second.runOnce();
      assertThat(s2.closed()).isEmpty(); // nothing packed again
      assertThat(s2.anchored()).hasSize(s1.closed().size());
      assertThat(chain.nonce()).isEqualTo(nonce + s1.closed().size());
      try (Stream<Path> files = Files.walk(dir.resolve("disk"))) {
        assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(s1.closed().size());
      }

      // a crash after the anchor was mined but before it was recorded: found on chain, not resent
      Path stateFile = dir.resolve("anchor/anchor-state.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode state = (ObjectNode) json.readTree(stateFile.toFile());
      state.get("groups").forEach(g -> ((ObjectNode) g).remove(List.of("anchorTx", "anchorBlock")));
      Files.write(stateFile, json.writeValueAsBytes(state));
      AnchoringService third = service(dir.resolve("anchor"), backends, store);
      assertThat(third.groups()).noneMatch(AnchoringService.GroupStatus::anchored);
      AnchoringService.Step s3 = third.runOnce();
      assertThat(s3.anchored()).hasSize(s1.closed().size());
      assertThat(third.groups()).allMatch(AnchoringService.GroupStatus::anchored);
      assertThat(chain.nonce()).isEqualTo(nonce + s1.closed().size());
    }
  }

  @Test
  void aRequiredBackendThatIsNotConfiguredIsRefused() {
    assertThatThrownBy(
            () -> new ReplicationPolicy(java.util.Set.of("s3")).check(List.of("local", "ipfs")))
        .hasMessage(
            "replication requires backend 's3', which is not configured (backends: ipfs, local)");
  }
}
