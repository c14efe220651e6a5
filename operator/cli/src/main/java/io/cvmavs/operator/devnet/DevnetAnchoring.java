package io.cvmavs.operator.devnet;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.storage.S3Server;
import io.cvmavs.storage.anchor.AnchorRecovery;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.AnchoringService;
import io.cvmavs.storage.anchor.GroupAudit;
import io.cvmavs.storage.anchor.ReplicationPolicy;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.S3Backend;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.outbox.Outbox;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The devnet's storage anchoring (issue 18): the attested CVM blocks go into a block store, the
 * anchoring service packs them into groups on local disk and on an S3 server (s3rver, started
 * here), and records each group in the AnchorRegistry from its own account; then one audit of the
 * newest group against the disk holder, and an empty store rebuilt from the anchors alone (read
 * back from the chain) through S3. Arweave and IPFS stay out of the devnet: their test servers
 * (arlocal, the Helia daemon) add start-up time and arlocal needs mining between upload and read;
 * their round trips run in the storage-adapters ITs.
 */
final class DevnetAnchoring implements AutoCloseable {
  /**
   * Small groups (payload: the ≈ 1 KB manuscript plus ≈ 1 KB per devnet block), so a five-block run
   * shows several groups of more than one block.
   */
  static final long GROUP_TARGET_BYTES = 3 * 1024;

  /** What the summary shows. */
  record Outcome(
      int groups,
      int anchored,
      String audit,
      boolean auditPassed,
      String recovery,
      boolean recovered) {}

  private final AnvilNode anvil;
  private final Path dir;
  private final Consumer<String> step;
  private S3Server s3;

  DevnetAnchoring(AnvilNode anvil, Path dir, Consumer<String> step) {
    this.anvil = anvil;
    this.dir = dir;
    this.step = step;
  }

  Outcome run(
      byte[] manuscript,
      byte[] manuscriptHash,
      List<CvmBlock> blocks,
      String registryAddress,
      int submitterAccount,
      long fromBlock) {
    long started = System.nanoTime();
    s3 = S3Server.start(dir.resolve("s3rver"), "cvm-groups");
    step.accept(
        String.format(
            "s3rver up at %s in %.1f s", s3.endpoint(), (System.nanoTime() - started) / 1e9));
    List<StorageBackend> backends =
        List.of(
            new LocalDiskBackend("local", dir.resolve("groups")),
            new S3Backend(
                "s3",
                S3Backend.client(
                    Optional.of(URI.create(s3.endpoint())),
                    "us-east-1",
                    S3Backend.staticCredentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY),
                    true),
                s3.bucket(),
                "",
                S3Backend.MIN_PART));
    Transactor tx =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(submitterAccount).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    AnchorRegistryClient registry = new AnchorRegistryClient(tx.reader(), registryAddress);
    int groups;
    int anchored;
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("blocks"))) {
      store.putManuscript(manuscript);
      blocks.forEach(store::append);
      AnchoringService service =
          new AnchoringService(
              new AnchoringService.Settings(
                  dir.resolve("state"),
                  anvil.chainId(),
                  manuscriptHash,
                  GROUP_TARGET_BYTES,
                  Duration.ofMinutes(10)),
              AnchoringService.BlockSource.of(store, manuscriptHash),
              new Outbox(
                  dir.resolve("state/outbox"),
                  backends,
                  Backoff.exponential(Duration.ofMillis(200), Duration.ofSeconds(2)),
                  Clock.systemUTC()),
              ReplicationPolicy.all(List.of("local", "s3")),
              registry,
              tx,
              Clock.systemUTC());
      AnchoringService.Step s = service.flush();
      s.failures().forEach(f -> step.accept("anchor: " + f));
      for (AnchoringService.GroupStatus g : service.groups()) {
        step.accept(
            String.format(
                "group %d..%d: %d B on local+s3, %s",
                g.firstHeight(),
                g.lastHeight(),
                g.size(),
                g.anchored() ? "anchored in block " + g.anchorBlock() : "NOT anchored"));
      }
      groups = service.groups().size();
      anchored = (int) service.groups().stream().filter(g -> g.anchored()).count();
    }

    List<AnchoredGroup> onChain =
        registry.anchors(Optional.of(manuscriptHash), fromBlock, tx.reader().blockNumber());
    String audit;
    boolean auditPassed = false;
    if (onChain.isEmpty()) {
      audit = "no anchored group";
    } else {
      byte[] seed = latestBlockHash();
      GroupAudit.Result r = GroupAudit.run(backends.getFirst(), onChain.getLast(), seed);
      auditPassed = r.passed();
      audit =
          String.format(
              "group %d..%d on local: %s (%d chunks)",
              onChain.getLast().firstHeight(),
              onChain.getLast().lastHeight(),
              r.passed() ? "passed" : "FAILED " + r.outcome().failures(),
              r.challenge().indices().size());
    }
    step.accept("audit " + audit);

    String recovery;
    boolean recovered = false;
    try (CvmBlockStore empty = CvmBlockStore.open(dir.resolve("recovered"))) {
      Recovery.Result r = AnchorRecovery.recover(backends.get(1), onChain, empty);
      byte[] head = empty.head(manuscriptHash).map(h -> h.hash()).orElse(new byte[32]);
      recovered =
          r.blocksAppended() == blocks.size()
              && !blocks.isEmpty()
              && java.util.Arrays.equals(head, blocks.getLast().hash());
      recovery =
          String.format(
              "%d blocks from s3 via %d anchors, head %s%s",
              r.blocksAppended(),
              onChain.size(),
              Bytes32.hex(head).substring(0, 10),
              recovered ? " (matches)" : " (DIFFERS)");
    } catch (RuntimeException e) {
      recovery = "FAILED: " + e.getMessage();
    }
    step.accept("recovered an empty store: " + recovery);
    step.accept(
        String.format(
            "storage phase took %.1f s (s3rver, anchoring, audit, recovery)",
            (System.nanoTime() - started) / 1e9));
    return new Outcome(groups, anchored, audit, auditPassed, recovery, recovered);
  }

  private byte[] latestBlockHash() {
    try {
      return Bytes32.parse(
          "latest block hash",
          anvil
              .web3j()
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getHash());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (s3 != null) {
      s3.close();
    }
  }
}
