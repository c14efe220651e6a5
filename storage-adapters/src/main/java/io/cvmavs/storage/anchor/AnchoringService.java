package io.cvmavs.storage.anchor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.common.durable.DurableFiles;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.GroupPacker;
import io.cvmavs.storage.group.PreviousLocator;
import io.cvmavs.storage.outbox.Outbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Anchors one stream of finalised CVM blocks (docs/STORAGE.md "Anchoring"): packs them into block
 * groups ({@link GroupPacker}: by size or age), hands each closed group to the {@link Outbox},
 * which stores it on every configured backend and retries a backend that is down while the others
 * proceed, and once the backends the {@link ReplicationPolicy} requires hold a group, records its
 * receipt in the {@code AnchorRegistry} through the {@link Transactor} — oldest group first, since
 * the registry takes a stream's heights in order.
 *
 * <p>Progress is persisted in {@code <dataDir>/anchor-state.json} (replaced durably): the last
 * height packed into a closed group, the block source's position after it ({@link
 * BlockSource#position}: a restart resumes reading the source there) and, per group, its roots and
 * its anchor. A restart packs again from the height after the last closed group; a group the outbox
 * holds but the state does not (closed just before a crash) is discarded, so its blocks are packed
 * once. An anchor is never sent twice: before sending, the registry is asked whether the group hash
 * is already anchored (a crash after the transaction was mined), and nothing is sent while the
 * account has a transaction pending (the Transactor bumps its fee with the same nonce). Not
 * thread-safe: one loop owns a data directory.
 */
public final class AnchoringService {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param cvmChainId the CVM chain id written in every group header
   * @param manuscriptHash the stream: whose blocks are anchored
   */
  public record Settings(
      Path dataDir, long cvmChainId, byte[] manuscriptHash, long targetBytes, Duration maxAge) {}

  /** Where finalised blocks come from (the CVM block store until the CVM chain lands). */
  public interface BlockSource {
    /** The highest finalised height, -1 for none yet. */
    long finalisedHeight();

    CvmBlock block(long height);

    byte[] manuscript();

    /**
     * Where the source stands once it has handed out {@code height}, saved with the group that ends
     * there so that a restart resumes there ({@link #resume}) instead of reading the source from
     * its start; empty (the default) when the source needs nothing to resume (a block store reads
     * any height directly).
     */
    default Optional<String> position(long height) {
      return Optional.empty();
    }

    /**
     * Called once, before any other read, after a restart: blocks {@code 0..height} are in closed
     * groups already; {@code position} is what {@link #position} said for {@code height}.
     */
    default void resume(long height, String position) {}

    /** Every block a store holds for {@code manuscriptHash} counts as finalised. */
    static BlockSource of(CvmBlockStore store, byte[] manuscriptHash) {
      return new BlockSource() {
        @Override
        public long finalisedHeight() {
          return store.head(manuscriptHash).map(h -> h.height()).orElse(-1L);
        }

        @Override
        public CvmBlock block(long height) {
          byte[] hash =
              store
                  .blockHashAt(manuscriptHash, height)
                  .orElseThrow(
                      () -> new IllegalStateException("the block store has no block " + height));
          return store
              .block(hash)
              .orElseThrow(() -> new IllegalStateException("block " + height + " is unreadable"));
        }

        @Override
        public byte[] manuscript() {
          return store
              .manuscript(manuscriptHash)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the block store has no manuscript " + Bytes32.hex(manuscriptHash)));
        }
      };
    }
  }

  /** One group as the service knows it. */
  public record GroupStatus(
      String fileHash,
      long firstHeight,
      long lastHeight,
      byte[] groupHash,
      byte[] dataRoot,
      byte[] auditRoot,
      long size,
      Optional<String> anchorTx,
      long anchorBlock) {
    public boolean anchored() {
      return anchorBlock > 0;
    }
  }

  /** What one {@link #runOnce} did. */
  public record Step(
      List<GroupStatus> closed,
      List<Receipt> stored,
      List<String> failures,
      List<GroupStatus> anchored) {}

  private final Settings settings;
  private final BlockSource source;
  private final Outbox outbox;
  private final ReplicationPolicy policy;
  private final AnchorRegistryClient registry;
  private final Transactor tx;
  private final Path stateFile;
  private final GroupPacker packer;
  private final ObjectNode state;
  private long addedThrough;
  private HolderAssigner assigner;

  public AnchoringService(
      Settings settings,
      BlockSource source,
      Outbox outbox,
      ReplicationPolicy policy,
      AnchorRegistryClient registry,
      Transactor tx,
      Clock clock) {
    this.settings = settings;
    this.source = source;
    this.outbox = outbox;
    this.policy = policy;
    this.registry = registry;
    this.tx = tx;
    this.stateFile = settings.dataDir().resolve("anchor-state.json");
    this.state = loadState();
    this.addedThrough = state.get("packedThrough").asLong();
    JsonNode at = state.path("sourcePosition");
    if (addedThrough >= 0 && at.path("height").asLong(-1) == addedThrough) {
      source.resume(addedThrough, at.path("position").asText());
    }
    discardUnrecorded();
    this.packer =
        new GroupPacker(
            settings.cvmChainId(),
            source.manuscript(),
            settings.targetBytes(),
            settings.maxAge(),
            clock,
            this::previousLocators);
  }

  /**
   * After each anchor, records the group's holders in {@code StorageAudit} through {@code assigner}
   * (docs/STORAGE.md "Holders"); progress is kept in the state file per group.
   */
  public AnchoringService assignHolders(HolderAssigner assigner) {
    this.assigner = assigner;
    return this;
  }

  /** The holders recorded for the group of {@code fileHash} (empty before its assignment). */
  public List<String> holders(String fileHash) {
    for (JsonNode g : state.get("groups")) {
      if (g.get("fileHash").asText().equals(fileHash)) {
        List<String> out = new ArrayList<>();
        g.path("holders").forEach(h -> out.add(h.asText()));
        return out;
      }
    }
    return List.of();
  }

  /** Packs what is finalised, uploads what is due, anchors what is stored. */
  public Step runOnce() {
    List<GroupStatus> closed = new ArrayList<>();
    long finalised = source.finalisedHeight();
    while (addedThrough < finalised) {
      long h = addedThrough + 1;
      Optional<BlockGroup> g = packer.add(source.block(h));
      addedThrough = h;
      g.ifPresent(group -> closed.add(record(group)));
    }
    packer.poll().ifPresent(group -> closed.add(record(group)));
    return uploadAndAnchor(closed);
  }

  /** Closes the open group now (shutdown, or the end of a devnet run), then as {@link #runOnce}. */
  public Step flush() {
    Step first = runOnce();
    Optional<BlockGroup> g = packer.flush();
    if (g.isEmpty()) {
      return first;
    }
    List<GroupStatus> closed = new ArrayList<>(first.closed());
    closed.add(record(g.get()));
    Step second = uploadAndAnchor(List.of());
    return new Step(
        closed,
        concat(first.stored(), second.stored()),
        concat(first.failures(), second.failures()),
        concat(first.anchored(), second.anchored()));
  }

  /**
   * Runs until {@code stop} says so, every {@code interval}; each step goes to {@code onStep}. A
   * failing step (the chain or a backend unreachable) is reported there and retried next time.
   */
  public void run(
      Duration interval, BooleanSupplier stop, Consumer<Step> onStep, Consumer<Exception> onError)
      throws InterruptedException {
    while (!stop.getAsBoolean()) {
      try {
        onStep.accept(runOnce());
      } catch (RuntimeException e) {
        onError.accept(e);
      }
      Thread.sleep(interval.toMillis());
    }
  }

  /** Every closed group, oldest first. */
  public List<GroupStatus> groups() {
    List<GroupStatus> out = new ArrayList<>();
    for (JsonNode g : state.get("groups")) {
      out.add(status(g));
    }
    return out;
  }

  /** The receipts the outbox holds for a group, by backend. */
  public Map<String, Receipt> receipts(String fileHash) {
    return outbox.receipts(fileHash);
  }

  /** Blocks waiting in the open group. */
  public int pendingBlocks() {
    return packer.pendingBlocks();
  }

  private Step uploadAndAnchor(List<GroupStatus> closed) {
    Outbox.Run run = outbox.runOnce();
    List<String> failures = new ArrayList<>(run.failures());
    List<GroupStatus> anchored = anchor(failures);
    if (assigner != null) {
      assign(failures);
    }
    return new Step(closed, run.stored(), failures, anchored);
  }

  private void assign(List<String> failures) {
    for (JsonNode node : state.get("groups")) {
      ObjectNode g = (ObjectNode) node;
      if (g.path("anchorBlock").asLong() == 0 || g.has("holders")) {
        continue;
      }
      GroupStatus s = status(g);
      if (tx.hasPending()) {
        break;
      }
      try {
        List<String> holders = assigner.assign(tx, s.groupHash(), s.auditRoot(), s.size());
        ArrayNode a = g.putArray("holders");
        holders.forEach(a::add);
        saveState();
      } catch (ChainException | IllegalArgumentException e) {
        failures.add("holders of group " + range(s) + ": " + e.getMessage());
        break;
      }
    }
  }

  private List<GroupStatus> anchor(List<String> failures) {
    List<GroupStatus> done = new ArrayList<>();
    for (JsonNode node : state.get("groups")) {
      ObjectNode g = (ObjectNode) node;
      if (g.path("anchorBlock").asLong() > 0) {
        continue;
      }
      GroupStatus s = status(g);
      Map<String, Receipt> receipts = outbox.receipts(s.fileHash());
      if (!policy.satisfiedBy(receipts.keySet())) {
        failures.add(
            "group "
                + range(s)
                + " waits for "
                + String.join(", ", policy.missing(receipts.keySet())));
        break; // heights are anchored in order
      }
      try {
        Optional<AnchorRegistryClient.OnChain> onChain = registry.anchorOf(s.groupHash());
        if (onChain.isPresent()) {
          if (onChain.get().firstHeight() != s.firstHeight()
              || onChain.get().lastHeight() != s.lastHeight()) {
            throw new ChainException(
                "group "
                    + range(s)
                    + " is anchored on chain with heights "
                    + onChain.get().firstHeight()
                    + ".."
                    + onChain.get().lastHeight());
          }
          g.put("anchorBlock", onChain.get().blockNumber()); // sent before a crash: not again
          saveState();
          done.add(status(g));
          continue;
        }
        if (tx.hasPending()) {
          break; // the Transactor is still getting an earlier transaction mined
        }
        long next = registry.nextHeight(settings.manuscriptHash());
        if (next != s.firstHeight()) {
          throw new ChainException(
              "group "
                  + range(s)
                  + " cannot be anchored: the registry expects height "
                  + next
                  + " next for this stream (another submitter, or a lost anchor-state.json?)");
        }
        List<PreviousLocator> locators = new ArrayList<>();
        receipts.forEach((backend, r) -> locators.add(new PreviousLocator(backend, r.locator())));
        TransactionReceipt receipt =
            registry.anchor(
                tx,
                new AnchorRegistryClient.Submission(
                    settings.manuscriptHash(),
                    s.firstHeight(),
                    s.lastHeight(),
                    s.size(),
                    s.groupHash(),
                    s.dataRoot(),
                    s.auditRoot(),
                    AnchorLocators.encode(locators)));
        g.put("anchorTx", receipt.getTransactionHash());
        g.put("anchorBlock", receipt.getBlockNumber().longValueExact());
        saveState();
        done.add(status(g));
      } catch (ChainException e) {
        failures.add("anchor of group " + range(s) + ": " + e.getMessage());
        break;
      }
    }
    return done;
  }

  private GroupStatus record(BlockGroup group) {
    String fileHash = outbox.enqueue(group);
    ObjectNode g = ((ArrayNode) state.get("groups")).addObject();
    g.put("fileHash", fileHash);
    g.put("first", group.header().firstHeight());
    g.put("last", group.header().lastHeight());
    g.put("groupHash", Bytes32.hex(group.header().groupHash()));
    g.put("dataRoot", Bytes32.hex(group.dataRoot()));
    g.put("auditRoot", Bytes32.hex(group.auditRoot()));
    g.put("size", group.size());
    state.put("packedThrough", group.header().lastHeight());
    Optional<String> position = source.position(group.header().lastHeight());
    if (position.isPresent()) {
      ObjectNode at = state.putObject("sourcePosition");
      at.put("height", group.header().lastHeight());
      at.put("position", position.get());
    } else {
      state.remove("sourcePosition");
    }
    saveState();
    return status(g);
  }

  private List<PreviousLocator> previousLocators() {
    JsonNode groups = state.get("groups");
    return groups.isEmpty()
        ? List.of()
        : outbox.locators(groups.get(groups.size() - 1).get("fileHash").asText());
  }

  private void discardUnrecorded() {
    Set<String> recorded = new HashSet<>();
    state.get("groups").forEach(g -> recorded.add(g.get("fileHash").asText()));
    for (String hash : outbox.groupHashes()) {
      if (!recorded.contains(hash)) {
        outbox.discard(hash);
      }
    }
  }

  private static GroupStatus status(JsonNode g) {
    return new GroupStatus(
        g.get("fileHash").asText(),
        g.get("first").asLong(),
        g.get("last").asLong(),
        Bytes32.parse("groupHash", g.get("groupHash").asText()),
        Bytes32.parse("dataRoot", g.get("dataRoot").asText()),
        Bytes32.parse("auditRoot", g.get("auditRoot").asText()),
        g.get("size").asLong(),
        g.hasNonNull("anchorTx") ? Optional.of(g.get("anchorTx").asText()) : Optional.empty(),
        g.path("anchorBlock").asLong());
  }

  private static String range(GroupStatus s) {
    return s.firstHeight() + ".." + s.lastHeight();
  }

  private ObjectNode loadState() {
    String stream = Bytes32.hex(settings.manuscriptHash());
    try {
      Files.createDirectories(settings.dataDir());
      if (!Files.exists(stateFile)) {
        ObjectNode s = JSON.createObjectNode();
        s.put("version", 1);
        s.put("stream", stream);
        s.put("cvmChainId", settings.cvmChainId());
        s.put("packedThrough", -1);
        s.putArray("groups");
        return s;
      }
      JsonNode s = JSON.readTree(stateFile.toFile());
      if (!(s instanceof ObjectNode o)
          || !o.path("groups").isArray()
          || !o.path("packedThrough").isIntegralNumber()) {
        throw new IllegalStateException(
            stateFile + " is not an anchoring state file (no packedThrough / groups)");
      }
      if (!stream.equalsIgnoreCase(o.path("stream").asText())
          || o.path("cvmChainId").asLong() != settings.cvmChainId()) {
        throw new IllegalStateException(
            stateFile
                + " anchors stream "
                + o.path("stream").asText()
                + " of CVM chain "
                + o.path("cvmChainId").asLong()
                + ", not "
                + stream
                + " of chain "
                + settings.cvmChainId()
                + ": use another data_dir");
      }
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the anchoring state " + stateFile, e);
    }
  }

  private void saveState() {
    try {
      DurableFiles.replace(
          stateFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the anchoring state " + stateFile, e);
    }
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
