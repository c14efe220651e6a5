package io.cvmavs.cvm.task;

import io.cvmavs.cvm.CvmException;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.Keccak;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * Builds CVM blocks from this CVM's own copy of the chain data and answers tasks with them: the one
 * implementation the node, the challenger and the task generator share. For each configured {@link
 * AttestedManuscript}, CVM block {@code h} ({@link BlockSchedule}) is built over the ingested range
 * (own JSON-RPC source and segment store) with the manuscript's datasets and the timestamp of the
 * range's last chain block, so every honest CVM builds the same block hash.
 *
 * <p>Manuscripts with transforms run as Flink batch jobs on one warm runtime (the JVM's embedded
 * mini-cluster unless another is given) shared by everything this process runs; pass-through
 * manuscripts read the stored rows. Each manuscript's blocks chain by state root, so they are built
 * in height order; calls are serialised.
 */
public final class CvmTaskComputer implements TaskComputer {
  private static final Logger LOG = LoggerFactory.getLogger(CvmTaskComputer.class);
  private static final AtomicBoolean WARMED = new AtomicBoolean();
  private static final ExecutorService FLINK_LANE =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cvm-flink").daemon().factory());

  /** Where CVM blocks come from: the chain ingested and the block schedule. */
  public record Settings(String chain, BlockSchedule schedule) {}

  private final Settings settings;
  private final Web3j web3j;
  private final SegmentStore store;
  private final Ingestor ingestor;
  private final Map<String, Chain> chains = new LinkedHashMap<>();
  private final Supplier<FlinkRuntime> flink;
  private ManuscriptRunner runner;
  private ManuscriptResolver resolver;
  private volatile JobResults shared;

  /** Blocks built so far (newest 64), readable without waiting for a build in progress. */
  private final Map<String, CvmBlock> finished =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CvmBlock> eldest) {
              return size() > 64;
            }
          });

  /** One manuscript's blocks: headers built so far and the most recent blocks whole. */
  private static final class Chain {
    final AttestedManuscript manuscript;
    final TreeMap<Long, CvmBlockHeader> built = new TreeMap<>();
    final Map<Long, CvmBlock> recent =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Long, CvmBlock> eldest) {
            return size() > 32;
          }
        };

    Chain(AttestedManuscript manuscript) {
      this.manuscript = manuscript;
    }
  }

  /**
   * @param manuscripts what this CVM attests from the start (may be empty when tasks resolve their
   *     manuscripts through the registry, {@link #resolveFrom})
   * @param flink the runtime manuscripts with transforms run on, asked for on first need
   */
  public CvmTaskComputer(
      Settings settings,
      List<AttestedManuscript> manuscripts,
      Web3j web3j,
      Path dataDirectory,
      Supplier<FlinkRuntime> flink) {
    this.settings = settings;
    this.web3j = web3j;
    this.flink = flink;
    this.store = new SegmentStore(dataDirectory);
    for (AttestedManuscript m : manuscripts) {
      chains.putIfAbsent(hex(m.hash()), new Chain(m));
    }
    manuscripts.stream()
        .filter(m -> m.refusal().isEmpty() && !m.passThrough())
        .findFirst()
        .ifPresent(m -> warmUp(flink, m));
    this.ingestor =
        new Ingestor(
            new Web3jChainSource(web3j, Retry.defaults()),
            store,
            settings.chain(),
            (int) Math.min(100, settings.schedule().blocksPerCvmBlock()),
            0,
            2,
            line -> {},
            System::nanoTime);
  }

  /** On the JVM's warm embedded Flink runtime. */
  public CvmTaskComputer(
      Settings settings, List<AttestedManuscript> manuscripts, Web3j web3j, Path dataDirectory) {
    this(settings, manuscripts, web3j, dataDirectory, FlinkRuntime::embedded);
  }

  /**
   * {@code keccak256(encode(chain, fromBlock, toBlock, sourceRoot))}: a task's input commitment.
   */
  public static byte[] inputCommitmentHash(InputCommitment input) {
    return Keccak.hash(
        CanonicalEncoding.encode(
            input.chain(), input.fromBlock(), input.toBlock(), input.sourceRoot()));
  }

  /**
   * The dataset root a task response carries: with one dataset, its root; with several, the root of
   * the tree over {@code encode(name, recordCount, root)} sorted by name (as {@code
   * RunResult.datasetRoot}).
   */
  public static byte[] datasetRoot(CvmBlockHeader header) {
    List<DatasetEntry> entries = new ArrayList<>(header.datasets());
    if (entries.size() == 1) {
      return entries.get(0).root();
    }
    entries.sort((a, b) -> a.name().compareTo(b.name()));
    List<byte[]> leaves = new ArrayList<>();
    for (DatasetEntry e : entries) {
      leaves.add(CanonicalEncoding.encode(e.name(), e.recordCount(), e.root()));
    }
    return DatasetMerkleTree.ofRecords(leaves).root();
  }

  public BlockSchedule schedule() {
    return settings.schedule();
  }

  /** The last chain block of CVM block {@code height}. */
  public long rangeEnd(long height) {
    return settings.schedule().rangeEnd(height);
  }

  /** The manuscripts this CVM attests, in configuration order. */
  public List<AttestedManuscript> manuscripts() {
    return chains.values().stream().map(c -> c.manuscript).toList();
  }

  /**
   * What CVM block {@code height} is computed from (ingesting its range first): the same for every
   * manuscript.
   */
  public synchronized InputCommitment input(long height) {
    SourceCommitment source = ingest(height);
    return new InputCommitment(source.chain(), source.fromBlock(), source.toBlock(), source.root());
  }

  /**
   * The CVM block of {@code manuscriptHash} at {@code height}, building every missing one first.
   */
  public synchronized CvmBlock block(byte[] manuscriptHash, long height) {
    // Not a signing path: a known manuscript is built without asking the registry again.
    Chain chain = chains.get(hex(manuscriptHash));
    if (chain == null) {
      chain = registered(manuscriptHash);
    }
    if (chain == null) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.UNKNOWN_MANUSCRIPT,
          "manuscript 0x" + hex(manuscriptHash) + " is not one this CVM attests");
    }
    return block(chain, height);
  }

  /**
   * The CVM block of {@code manuscriptHash} at {@code height} if this CVM has built it already;
   * empty otherwise. Never waits (a build in progress holds this computer for as long as its Flink
   * job takes): for callers that must answer promptly, such as a CVM chain proposer.
   */
  public Optional<CvmBlock> built(byte[] manuscriptHash, long height) {
    return Optional.ofNullable(finished.get(hex(manuscriptHash) + ":" + height));
  }

  /**
   * Resolves manuscripts through the on-chain registry from now on: a task naming a hash that is
   * not preloaded is fetched, checked and run ({@link ManuscriptResolver#resolve}); a task naming a
   * preloaded one is refused when the registry lists it as revoked (a preloaded file the registry
   * does not list stays a local override).
   */
  public synchronized CvmTaskComputer resolveFrom(ManuscriptResolver resolver) {
    this.resolver = resolver;
    return this;
  }

  /**
   * Shares Flink job results with the other CVMs of this process given the same {@code results}
   * ({@link JobResults}: keyed by manuscript, range and this CVM's own source root). Blocks are
   * still built, chained and checked per CVM; only identical jobs are not run twice.
   */
  public CvmTaskComputer shareResults(JobResults results) {
    this.shared = results;
    return this;
  }

  /**
   * The chain of {@code manuscriptHash}, asking the registry when there is one (null when there is
   * none and the hash is not preloaded).
   *
   * @throws TaskRefusedException revoked, unregistered, fetch failure or hash mismatch
   */
  private Chain registered(byte[] manuscriptHash) {
    String key = hex(manuscriptHash);
    Chain chain = chains.get(key);
    if (resolver == null) {
      return chain;
    }
    if (chain != null) {
      resolver.check(manuscriptHash);
      return chain;
    }
    AttestedManuscript m = resolver.resolve(manuscriptHash);
    chain = new Chain(m);
    chains.put(key, chain);
    LOG.info(
        "manuscript {} resolved from the registry{}",
        m.describe(),
        m.refusal().map(r -> "; cannot be attested here: " + r).orElse(""));
    if (m.refusal().isEmpty() && !m.passThrough()) {
      warmUp(flink, m);
    }
    return chain;
  }

  private CvmBlock block(Chain chain, long height) {
    CvmBlock cached = chain.recent.get(height);
    if (cached != null) {
      return cached;
    }
    long start = chain.built.isEmpty() ? 0 : chain.built.lastKey() + 1;
    if (height < start) {
      // Rebuild the requested height from its parent (deterministic, so equal to the first build).
      return build(
          chain, height, height == 0 ? Optional.empty() : Optional.of(chain.built.get(height - 1)));
    }
    CvmBlock last = null;
    for (long h = start; h <= height; h++) {
      last = build(chain, h, h == 0 ? Optional.empty() : Optional.of(chain.built.get(h - 1)));
      chain.built.put(h, last.header());
      chain.recent.put(h, last);
      finished.put(hex(chain.manuscript.hash()) + ":" + h, last);
    }
    return last;
  }

  /**
   * Builds, for every attestable manuscript, each CVM block whose chain range has ended by {@code
   * chainHead}, so the result is ready when the task for it appears (latency bounded by block
   * times, not by execution). Returns the highest height built, or -1 when no block is finished
   * yet.
   */
  public long prebuild(long chainHead) {
    long height = settings.schedule().lastFinishedHeight(chainHead);
    if (height < 0) {
      return -1;
    }
    List<Chain> runnable;
    synchronized (this) {
      runnable = chains.values().stream().filter(c -> c.manuscript.refusal().isEmpty()).toList();
    }
    for (Chain c : runnable) {
      synchronized (this) {
        block(c, height);
      }
    }
    return height;
  }

  @Override
  public TaskResult compute(TaskInput task) {
    Chain chain;
    synchronized (this) {
      chain = registered(task.manuscriptHash());
    }
    if (chain == null) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.UNKNOWN_MANUSCRIPT,
          "task "
              + task.taskIndex()
              + " names manuscript 0x"
              + hex(task.manuscriptHash())
              + ", this node runs "
              + String.join(", ", chains.keySet().stream().map(h -> "0x" + h).toList()));
    }
    Optional<String> refusal = chain.manuscript.refusal();
    if (refusal.isPresent()) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.UNRUNNABLE_MANUSCRIPT,
          "task "
              + task.taskIndex()
              + " names manuscript "
              + chain.manuscript.describe()
              + ", which this node cannot attest: "
              + refusal.get());
    }
    CvmBlock block;
    synchronized (this) {
      block = block(chain, task.cvmBlockHeight());
    }
    InputCommitment own = block.header().input();
    byte[] input = inputCommitmentHash(own);
    if (!Arrays.equals(input, task.inputCommitment())) {
      throw new TaskRefusedException(
          TaskRefusedException.Reason.INPUT_MISMATCH,
          "task "
              + task.taskIndex()
              + ": input commitment 0x"
              + hex(task.inputCommitment())
              + " differs from this node's 0x"
              + hex(input)
              + " for CVM block "
              + task.cvmBlockHeight()
              + " (chain blocks "
              + own.fromBlock()
              + "-"
              + own.toBlock()
              + ")");
    }
    return new TaskResult(
        task.taskIndex(),
        block.header().hash(),
        datasetRoot(block.header()),
        block.header().stateRoot());
  }

  private SourceCommitment ingest(long height) {
    long from = settings.schedule().rangeStart(height);
    long to = settings.schedule().rangeEnd(height);
    ingestor.ingest(from, to);
    return store.commitment(settings.chain(), from, to);
  }

  private CvmBlock build(Chain chain, long height, Optional<CvmBlockHeader> parent) {
    long started = System.nanoTime();
    SourceCommitment source = ingest(height);
    long ingested = System.nanoTime();
    long[] job = new long[2];
    Map<String, CanonicalDataset> datasets;
    JobResults results = shared;
    JobResults.Key key = JobResults.Key.of(chain.manuscript.hash(), source);
    Optional<Map<String, CanonicalDataset>> reused = Optional.empty();
    if (chain.manuscript.passThrough()) {
      datasets =
          chain.manuscript.datasets(store, this::runner, source.fromBlock(), source.toBlock());
    } else if (results != null && (reused = results.take(key)).isPresent()) {
      datasets = reused.get(); // another CVM of this process ran this very job
    } else {
      java.util.concurrent.atomic.AtomicReference<Map<String, CanonicalDataset>> fromLane =
          new java.util.concurrent.atomic.AtomicReference<>();
      datasets =
          onFlinkLane(
              () -> {
                // Queued behind the same job of another CVM: take its result instead.
                if (results != null) {
                  Optional<Map<String, CanonicalDataset>> r = results.take(key);
                  if (r.isPresent()) {
                    fromLane.set(r.get());
                    return r.get();
                  }
                }
                job[0] = System.nanoTime();
                try {
                  Map<String, CanonicalDataset> d =
                      chain.manuscript.datasets(
                          store, this::runner, source.fromBlock(), source.toBlock());
                  if (results != null) {
                    results.put(key, d);
                  }
                  return d;
                } finally {
                  job[1] = System.nanoTime();
                }
              });
      reused = Optional.ofNullable(fromLane.get());
    }
    CvmBlock block =
        new CvmBlockBuilder()
            .build(
                parent, chain.manuscript.hash(), source, datasets, timestampOf(source.toBlock()));
    LOG.debug(
        "CVM block {} of {} built in {} ms: ingest {} ms, {} (chain blocks {}-{}, {} records)",
        height,
        chain.manuscript.file(),
        millis(System.nanoTime() - started),
        millis(ingested - started),
        chain.manuscript.passThrough()
            ? "stored rows"
            : reused.isPresent()
                ? "the same job's result from another CVM of this process"
                : "Flink job "
                    + millis(job[1] - job[0])
                    + " ms after "
                    + millis(job[0] - ingested)
                    + " ms in the Flink lane",
        source.fromBlock(),
        source.toBlock(),
        datasets.values().stream().mapToInt(CanonicalDataset::size).sum());
    return block;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /**
   * Runs Flink work on the process's one Flink lane: a single platform thread, so jobs of every CVM
   * in the process (node, challenger, task generator share one warm runtime) run one at a time.
   * Planning a job loads classes through Flink's user-code class loader; several virtual threads
   * doing that at once pinned both carriers of a 2-core machine and deadlocked the devnet.
   */
  private static <T> T onFlinkLane(Callable<T> work) {
    Future<T> result = FLINK_LANE.submit(work);
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CvmException("the Flink job failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new CvmException("interrupted while waiting for a Flink job", e);
    }
  }

  /**
   * Starts the runtime and runs {@code m} once over no rows, on the Flink lane and once per
   * process, so the cluster start and the planner's class loading (≈ 15 s on 2 busy cores) happen
   * while the first CVM block's range is still being mined, not when its task is due.
   */
  private static void warmUp(Supplier<FlinkRuntime> flink, AttestedManuscript m) {
    if (!WARMED.compareAndSet(false, true)) {
      return;
    }
    FLINK_LANE.submit(
        () -> {
          long started = System.nanoTime();
          try {
            m.datasets(
                (chain, table, from, to) -> List.of(),
                () -> new ManuscriptRunner(flink.get(), (chain, table, from, to) -> List.of()),
                0,
                0);
            LOG.info(
                "Flink warmed up with {} in {} ms", m.file(), millis(System.nanoTime() - started));
          } catch (RuntimeException e) {
            LOG.warn("warming up Flink with {} failed: {}", m.file(), e.getMessage());
          }
        });
  }

  private ManuscriptRunner runner() {
    if (runner == null) {
      runner = new ManuscriptRunner(flink.get(), store);
    }
    return runner;
  }

  private long timestampOf(long block) {
    try {
      return web3j
          .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false)
          .send()
          .getBlock()
          .getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new CvmException(
          "cannot read the timestamp of chain block " + block + ": " + e.getMessage(), e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
