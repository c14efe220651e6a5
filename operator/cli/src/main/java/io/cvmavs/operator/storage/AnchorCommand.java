package io.cvmavs.operator.storage;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.consensus.light.LightVerifier;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoringService;
import io.cvmavs.storage.anchor.HolderAssigner;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.outbox.Outbox;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs anchor}: the anchoring service ({@link AnchoringService}) from {@code
 * anchor.yaml}: packs the block store's blocks into groups, stores them on the configured backends
 * and records each group's receipt in the {@code AnchorRegistry}; with a {@code holders:} section,
 * also each anchored group's holders in {@code StorageAudit} ({@link HolderAssigner}).
 */
@Command(
    name = "anchor",
    mixinStandardHelpOptions = true,
    description = {
      "Anchor CVM blocks: pack them into block groups, store them on the configured backends",
      "(local disk, S3, Arweave, IPFS) and record each group's receipt in the AnchorRegistry;",
      "with a holders: section, also record each anchored group's holders in StorageAudit.",
      "The submitter's ECDSA keystore password: OPERATOR_ECDSA_KEY_PASSWORD, else a prompt."
    })
public final class AnchorCommand extends CliCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "anchor.yaml (see storage-adapters/README.md).")
  Path config;

  @Option(
      names = "--once",
      description =
          "Pack everything stored now (closing the open group), upload, anchor, and exit;"
              + " exit 1 if a group is left unanchored.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AnchorConfig c = AnchorConfig.load(config);
    Path keystore =
        c.submitterKeystore()
            .orElseThrow(
                () ->
                    new AnchorConfigException(
                        c.file() + ": field 'submitter_keystore' is required to anchor"));
    List<StorageBackend> backends = c.openBackends(CliContext.of(spec).environment());
    for (StorageBackend b : backends) {
      try {
        AnchorConfig.probe(b);
      } catch (BackendException e) {
        // retried by the outbox while the others proceed
        out.println("[anchor] warning: " + e.getMessage());
      }
    }
    Transactor tx =
        ChainAccess.open(
            c.ethRpcUrl(),
            new KeystoreAccess(CliContext.of(spec)).openEcdsa(keystore),
            c.chainId());
    AnchorRegistryClient registry = new AnchorRegistryClient(tx.reader(), c.registry());
    String submitter = registry.submitter();
    if (!submitter.equalsIgnoreCase(tx.address())) {
      throw new AnchorConfigException(
          c.file()
              + ": the keystore's account "
              + tx.address()
              + " is not the AnchorRegistry's submitter "
              + submitter);
    }
    Optional<HolderAssigner> assigner = holderAssigner(c, tx);
    try (Source src = Source.open(c)) {
      byte[] stream = src.stream();
      AnchoringService service =
          new AnchoringService(
              new AnchoringService.Settings(
                  c.dataDir(), c.cvmChainId(), stream, c.groupTargetBytes(), c.groupMaxAge()),
              src.blocks(),
              new Outbox(
                  c.dataDir().resolve("outbox"),
                  backends,
                  Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5)),
                  Clock.systemUTC()),
              c.replication(),
              registry,
              tx,
              Clock.systemUTC());
      assigner.ifPresent(service::assignHolders);
      out.printf("[anchor] reading %s%n", src.describe());
      if (src.blocks() instanceof CvmChainBlocks chain && chain.resumedAt().isPresent()) {
        out.printf(
            "[anchor] resuming after block %d: scanning the CVM chain from CometBFT height %d%n",
            service.groups().getLast().lastHeight(), chain.resumedAt().get());
      }
      out.printf(
          "[anchor] stream %s → %d backend(s), registry %s%n",
          StorageSetup.shortHex(stream), backends.size(), c.registry());
      assigner.ifPresent(
          a ->
              out.printf(
                  "[anchor] holders: %d per group, recorded in StorageAudit %s%n",
                  a.replication(), a.audit().address()));
      out.flush();
      if (once) {
        print(out, service.flush());
        if (assigner.isPresent()) {
          for (AnchoringService.GroupStatus g : service.groups()) {
            List<String> holders = service.holders(g.fileHash());
            out.printf(
                "[anchor] group %d..%d holders: %s%n",
                g.firstHeight(),
                g.lastHeight(),
                holders.isEmpty() ? "not assigned yet" : String.join(", ", holders));
          }
        }
        if (src.blocks() instanceof CvmChainBlocks chain) {
          out.printf("[anchor] read %d CometBFT block(s) of the CVM chain%n", chain.blocksRead());
        }
        long left = service.groups().stream().filter(g -> !g.anchored()).count();
        if (left > 0) {
          out.printf("[anchor] %d group(s) not anchored yet (see the lines above)%n", left);
          return 1;
        }
        if (assigner.isPresent()
            && service.groups().stream().anyMatch(g -> service.holders(g.fileHash()).isEmpty())) {
          out.printf("[anchor] some group(s) have no holders recorded yet (see the lines above)%n");
          return 1;
        }
        return 0;
      }
      AtomicBoolean stop = new AtomicBoolean();
      Thread main = Thread.currentThread();
      Thread hook =
          new Thread(
              () -> {
                stop.set(true);
                main.interrupt();
              });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        service.run(
            c.pollInterval(),
            stop::get,
            step -> print(out, step),
            e -> {
              out.println("[anchor] " + e.getMessage());
              out.flush();
            });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook is running
        }
      }
      return 0;
    }
  }

  /**
   * The holder assignment of {@code anchor.yaml}'s {@code holders:} section, after checking that
   * the submitter's account owns {@code StorageAudit} (the deploy script makes the anchor submitter
   * its owner).
   */
  static Optional<HolderAssigner> holderAssigner(AnchorConfig c, Transactor tx) {
    if (c.holders().isEmpty()) {
      return Optional.empty();
    }
    AnchorConfig.Holders h = c.holders().get();
    StorageAuditClient audit = new StorageAuditClient(tx.reader(), h.storageAudit());
    String owner = audit.owner();
    if (!owner.equalsIgnoreCase(tx.address())) {
      throw new AnchorConfigException(
          h.at()
              + "field 'holders': the keystore's account "
              + tx.address()
              + " is not the owner "
              + owner
              + " of StorageAudit "
              + h.storageAudit()
              + ", so it cannot assign holders");
    }
    RegistryReader registry = new RegistryReader(tx, h.cvmRegistry());
    return Optional.of(
        new HolderAssigner(
            audit,
            HolderAssigner.registeredOperators(registry, h.quorum(), h.registeredFrom()),
            h.replication()));
  }

  /**
   * The light client's root of trust and options of {@code anchor.yaml} ({@code cvm_trusted_*},
   * docs/STORAGE.md); the config loader requires them with {@code cvm_rpc_url}.
   *
   * @throws AnchorConfigException naming the field whose value the light client refuses
   */
  static CvmChainBlocks.Trust trust(AnchorConfig c) {
    AnchorConfig.CvmTrust t =
        c.cvmTrust()
            .orElseThrow(
                () ->
                    new AnchorConfigException(
                        c.file() + ": cvm_rpc_url needs cvm_trusted_height and cvm_trusted_hash"));
    try {
      return new CvmChainBlocks.Trust(
          t.height(),
          t.headerHash(),
          LightVerifier.Options.parse(
              t.trustingPeriod(), t.maxClockDrift().orElse(null), t.trustLevel().orElse(null)));
    } catch (IllegalArgumentException e) {
      throw new AnchorConfigException(
          t.at()
              + "the light-client options (cvm_trusting_period, cvm_max_clock_drift,"
              + " cvm_trust_level): "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Where blocks come from: the CVM chain's finalised blocks over its node's RPC when {@code
   * cvm_rpc_url} is set, else the block store ({@code block_store}).
   */
  record Source(
      byte[] stream, AnchoringService.BlockSource blocks, String describe, AutoCloseable resource)
      implements AutoCloseable {
    static Source open(AnchorConfig c) throws java.io.IOException {
      if (c.cvmRpcUrl().isPresent()) {
        byte[] manuscript = java.nio.file.Files.readAllBytes(c.manuscriptFile().orElseThrow());
        CometRpcClient rpc = new CometRpcClient(c.cvmRpcUrl().get(), Duration.ofSeconds(10));
        CvmChainBlocks blocks;
        try {
          blocks =
              new CvmChainBlocks(
                  CvmChainBlocks.Node.rpc(rpc), manuscript, trust(c), Clock.systemUTC());
        } catch (RuntimeException e) {
          rpc.close();
          throw e;
        }
        if (c.manuscript().isPresent()
            && !java.util.Arrays.equals(c.manuscript().get(), blocks.stream())) {
          rpc.close();
          throw new AnchorConfigException(
              c.file()
                  + ": manuscript_file "
                  + c.manuscriptFile().get()
                  + " hashes to "
                  + StorageSetup.shortHex(blocks.stream())
                  + ", not the configured manuscript "
                  + StorageSetup.shortHex(c.manuscript().get()));
        }
        return new Source(
            blocks.stream(),
            blocks,
            "the CVM chain's finalised blocks at "
                + c.cvmRpcUrl().get()
                + " (checked by the light client from trusted header "
                + c.cvmTrust().orElseThrow().height()
                + ")",
            rpc);
      }
      CvmBlockStore store = CvmBlockStore.open(c.blockStore());
      try {
        byte[] stream = StorageSetup.stream(c, store);
        return new Source(
            stream,
            AnchoringService.BlockSource.of(store, stream),
            "the block store " + c.blockStore(),
            store);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      resource.close();
    }
  }

  static void print(PrintWriter out, AnchoringService.Step step) {
    for (AnchoringService.GroupStatus g : step.closed()) {
      out.printf(
          "[anchor] group %d..%d closed: %d bytes, group hash %s%n",
          g.firstHeight(), g.lastHeight(), g.size(), StorageSetup.shortHex(g.groupHash()));
    }
    step.stored()
        .forEach(
            r -> out.printf("[anchor] stored on %s: %s%n", r.backend(), abbreviate(r.locator())));
    step.failures().forEach(f -> out.println("[anchor] " + f));
    for (AnchoringService.GroupStatus g : step.anchored()) {
      out.printf(
          "[anchor] group %d..%d anchored in block %d%s%n",
          g.firstHeight(),
          g.lastHeight(),
          g.anchorBlock(),
          g.anchorTx().map(t -> " (tx " + abbreviate(t) + ")").orElse(" (found on chain)"));
    }
    out.flush();
  }

  private static String abbreviate(String s) {
    return s.length() > 20 ? s.substring(0, 18) + "…" : s;
  }
}
