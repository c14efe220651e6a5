package io.cvmavs.operator.devnet;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.storage.ArLocal;
import io.cvmavs.localnet.storage.IpfsDaemon;
import io.cvmavs.localnet.storage.S3Server;
import io.cvmavs.storage.anchor.AnchorRecovery;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.AnchoringService;
import io.cvmavs.storage.anchor.AttestedAudit;
import io.cvmavs.storage.anchor.GroupAudit;
import io.cvmavs.storage.anchor.HolderAssigner;
import io.cvmavs.storage.anchor.ReplicationPolicy;
import io.cvmavs.storage.arweave.ArweaveBackend;
import io.cvmavs.storage.arweave.ArweaveWallet;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.S3Backend;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.ipfs.IpfsBackend;
import io.cvmavs.storage.outbox.Outbox;
import io.cvmavs.storage.recover.Recovery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The devnet's storage anchoring (issue 18): the attested CVM blocks go into a block store, the
 * anchoring service packs them into groups on local disk, on an S3 server (s3rver), on Arweave
 * (arlocal, its wallet minted here) and on IPFS (the Helia Kubo-RPC daemon), and records each group
 * in the AnchorRegistry from its own account; then one audit of the newest group against the disk
 * holder, and an empty store rebuilt from the anchors alone (read back from the chain) through each
 * remote backend (arlocal mines one block first, so its transactions are readable). arlocal and the
 * Helia daemon take seconds to start (more under load): {@link #prestart} starts them in the
 * background when the devnet starts, so they are ready by the time the blocks are anchored; if one
 * does not come up, the run anchors without it and says why.
 */
final class DevnetAnchoring implements AutoCloseable {
  /**
   * Small groups (payload: the ≈ 1 KB manuscript plus ≈ 1 KB per devnet block), so a five-block run
   * shows several groups of more than one block.
   */
  static final long GROUP_TARGET_BYTES = 3 * 1024;

  /**
   * What the summary shows; {@code attested} is the on-chain audit round (holders assigned in
   * StorageAudit, the other operators' BLS attestations aggregated and submitted), "-" when none
   * was run.
   */
  record Outcome(
      int groups,
      int anchored,
      String audit,
      boolean auditPassed,
      String recovery,
      boolean recovered,
      String attested,
      boolean attestedPassed) {
    Outcome(
        int groups,
        int anchored,
        String audit,
        boolean auditPassed,
        String recovery,
        boolean recovered) {
      this(groups, anchored, audit, auditPassed, recovery, recovered, "-", false);
    }
  }

  /**
   * The AVS's operators as the on-chain audit needs them: {@code keys.get(i)} is the BLS key of
   * {@code operator-(i+1)}, anvil account {@code i+1}.
   */
  record Auditors(String storageAudit, String cvmRegistry, List<BlsKeyPair> keys) {}

  /** Holders per group in the devnet's StorageAudit. */
  static final int HOLDER_REPLICATION = 2;

  private final AnvilNode anvil;
  private final Path dir;
  private final Consumer<String> step;

  /** How long {@link #run} waits for arlocal and the Helia daemon started by {@link #prestart}. */
  static final Duration SERVERS_WAIT = Duration.ofSeconds(90);

  private S3Server s3;
  private volatile ArLocal arlocal;
  private volatile IpfsDaemon ipfs;
  private volatile String serversNote = "arlocal and the Helia daemon were not started";
  private Thread servers;

  DevnetAnchoring(AnvilNode anvil, Path dir, Consumer<String> step) {
    this.anvil = anvil;
    this.dir = dir;
    this.step = step;
  }

  /** Starts arlocal and the Helia daemon in the background (their logs under the run folder). */
  void prestart() {
    servers =
        Thread.ofPlatform()
            .daemon()
            .name("devnet-storage-servers")
            .start(
                () -> {
                  StringBuilder note = new StringBuilder();
                  long t0 = System.nanoTime();
                  try {
                    arlocal = ArLocal.start(dir.resolve("servers"));
                    note.append(
                        String.format("arlocal up in %.1f s", (System.nanoTime() - t0) / 1e9));
                  } catch (RuntimeException e) {
                    note.append("arlocal did not start: ").append(e.getMessage());
                  }
                  long t1 = System.nanoTime();
                  try {
                    ipfs = IpfsDaemon.start(dir.resolve("servers"));
                    note.append(
                        String.format(
                            ", Helia daemon up in %.1f s", (System.nanoTime() - t1) / 1e9));
                  } catch (RuntimeException e) {
                    note.append(", the Helia daemon did not start: ").append(e.getMessage());
                  }
                  serversNote = note.toString();
                });
  }

  Outcome run(
      byte[] manuscript,
      byte[] manuscriptHash,
      List<CvmBlock> blocks,
      String registryAddress,
      int submitterAccount,
      long fromBlock,
      Optional<Auditors> auditors) {
    long started = System.nanoTime();
    s3 = S3Server.start(dir.resolve("s3rver"), "cvm-groups");
    step.accept(
        String.format(
            "s3rver up at %s in %.1f s", s3.endpoint(), (System.nanoTime() - started) / 1e9));
    long waitStart = System.nanoTime();
    if (servers != null) {
      try {
        servers.join(SERVERS_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    step.accept(
        String.format(
            "%s (started in the background; waited %.1f s for them here)",
            servers != null && servers.isAlive()
                ? "arlocal / Helia daemon not up within " + SERVERS_WAIT.toSeconds() + " s"
                : serversNote,
            (System.nanoTime() - waitStart) / 1e9));
    List<StorageBackend> backends = new java.util.ArrayList<>();
    backends.addAll(
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
                S3Backend.MIN_PART)));
    ArLocal ar = arlocal;
    if (ar != null && (servers == null || !servers.isAlive())) {
      ArweaveWallet wallet = ArweaveWallet.generate();
      ar.mint(wallet.address(), 1_000_000_000_000L);
      backends.add(new ArweaveBackend("arweave", URI.create(ar.url()), wallet));
    }
    IpfsDaemon node = ipfs;
    if (node != null && (servers == null || !servers.isAlive())) {
      backends.add(new IpfsBackend("ipfs", URI.create(node.apiUrl())));
    }
    List<String> names = backends.stream().map(StorageBackend::name).toList();
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
              ReplicationPolicy.all(names),
              registry,
              tx,
              Clock.systemUTC());
      AnchoringService.Step s = service.flush();
      s.failures().forEach(f -> step.accept("anchor: " + f));
      for (AnchoringService.GroupStatus g : service.groups()) {
        step.accept(
            String.format(
                "group %d..%d: %d B on %s, %s",
                g.firstHeight(),
                g.lastHeight(),
                g.size(),
                String.join("+", names),
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

    String attested = "-";
    boolean attestedPassed = false;
    if (auditors.isPresent() && !onChain.isEmpty()) {
      try {
        AttestedRound r =
            attestedRound(tx, auditors.get(), onChain.getLast(), backends.getFirst(), fromBlock);
        attested = r.line();
        attestedPassed = r.passed();
      } catch (RuntimeException e) {
        attested = "FAILED: " + e.getMessage();
      }
      step.accept("storage audit on chain: " + attested);
    }

    if (ar != null && names.contains("arweave")) {
      ar.mine(1); // arlocal serves a transaction's data once it is mined
    }
    List<String> recoveries = new java.util.ArrayList<>();
    boolean recovered = true;
    for (StorageBackend b : backends.subList(1, backends.size())) {
      try (CvmBlockStore empty = CvmBlockStore.open(dir.resolve("recovered-" + b.name()))) {
        Recovery.Result r = AnchorRecovery.recover(b, onChain, empty);
        byte[] head = empty.head(manuscriptHash).map(h -> h.hash()).orElse(new byte[32]);
        boolean ok =
            r.blocksAppended() == blocks.size()
                && !blocks.isEmpty()
                && java.util.Arrays.equals(head, blocks.getLast().hash());
        recovered &= ok;
        recoveries.add(
            String.format(
                "%d blocks from %s%s", r.blocksAppended(), b.name(), ok ? "" : " (head DIFFERS)"));
      } catch (RuntimeException e) {
        recovered = false;
        recoveries.add(b.name() + " FAILED: " + e.getMessage());
      }
    }
    String recovery =
        String.join(", ", recoveries) + String.format(" via %d anchors", onChain.size());
    step.accept("recovered an empty store: " + recovery);
    step.accept(
        String.format(
            "storage phase took %.1f s (s3rver, waiting for arlocal / Helia, anchoring, audit,"
                + " recovery)",
            (System.nanoTime() - started) / 1e9));
    return new Outcome(
        groups, anchored, audit, auditPassed, recovery, recovered, attested, attestedPassed);
  }

  private record AttestedRound(String line, boolean passed) {}

  /**
   * The newest group assigned to {@link #HOLDER_REPLICATION} holders in StorageAudit (from the
   * submitter, its owner), then one round for one holder: every other operator audits the holder's
   * copy with {@link GroupAudit} (the devnet's holders all serve the local disk copy) and signs its
   * verdict with its own BLS key, the aggregate goes to {@code submitOutcome}, and the result is
   * read back from the contract.
   */
  private AttestedRound attestedRound(
      Transactor tx, Auditors a, AnchoredGroup group, StorageBackend copy, long fromBlock) {
    StorageAuditClient audit = new StorageAuditClient(tx.reader(), a.storageAudit());
    RegistryReader registry = new RegistryReader(tx, a.cvmRegistry());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < a.keys().size(); i++) {
      index.put(anvil.account(i + 1).address().toLowerCase(Locale.ROOT), i);
    }
    List<String> holders =
        new HolderAssigner(
                audit,
                HolderAssigner.registeredOperators(registry, 0, fromBlock),
                HOLDER_REPLICATION)
            .assign(tx, group.groupHash(), group.auditRoot(), group.fileSize());
    step.accept(
        String.format(
            "group %d..%d assigned in StorageAudit to %s",
            group.firstHeight(),
            group.lastHeight(),
            String.join(", ", holders.stream().map(h -> name(index, h)).toList())));
    String holder = holders.getFirst();
    // a seed block the EVM still sees: the latest mined one, then a block on top of it
    long seedBlock = tx.reader().blockNumber();
    byte[] seed = blockHash(seedBlock);
    anvil.mine(1);
    List<AttestedAudit.Attestation> atts = new ArrayList<>();
    for (int i = 0; i < a.keys().size(); i++) {
      boolean isHolder = (i == index.getOrDefault(holder, -1));
      if (isHolder && a.keys().size() > 1) {
        continue; // the holder does not attest its own round
      }
      atts.add(AttestedAudit.attest(a.keys().get(i), audit, group, holder, copy, seed));
    }
    List<AttestedAudit.Member> members = AttestedAudit.members(registry, 0, fromBlock, seedBlock);
    AttestedAudit.Aggregate agg =
        AttestedAudit.aggregate(registry, audit, 0, members, group, holder, seedBlock, seed, atts);
    TransactionReceipt receipt = audit.submitOutcome(tx, agg.outcome(), agg.signature());
    StorageAuditClient.Result onChain = audit.result(group.groupHash(), holder, seed);
    boolean passed = agg.outcome().passed() && onChain == StorageAuditClient.Result.PASSED;
    return new AttestedRound(
        String.format(
            "group %s, holder %s, round at block %d, %s, attested by %d/%d operators, tx %s",
            Bytes32.hex(group.groupHash()).substring(0, 10) + "…",
            name(index, holder),
            seedBlock,
            passed ? "passed" : "recorded " + onChain.name().toLowerCase(Locale.ROOT),
            agg.signers().size(),
            members.size(),
            receipt.getTransactionHash()),
        passed);
  }

  private static String name(Map<String, Integer> index, String address) {
    Integer i = index.get(address.toLowerCase(Locale.ROOT));
    return i == null ? address : "operator-" + (i + 1);
  }

  private byte[] blockHash(long number) {
    try {
      return Bytes32.parse(
          "block hash",
          anvil
              .web3j()
              .ethGetBlockByNumber(new DefaultBlockParameterNumber(number), false)
              .send()
              .getBlock()
              .getHash());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
    if (servers != null) {
      try {
        servers.join(SERVERS_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (arlocal != null) {
      arlocal.close();
    }
    if (ipfs != null) {
      ipfs.close();
    }
  }
}
