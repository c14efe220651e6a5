package io.cvmavs.cvm.ingest;

import io.cvmavs.common.retry.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Ingests blocks from a {@link ChainSource} into a {@link SegmentStore}.
 *
 * <ul>
 *   <li><b>Idempotent and resumable</b>: only the gaps of the requested range are fetched; stored
 *       segments are kept, so a second run of the same range fetches nothing and an interrupted run
 *       continues where it stopped.
 *   <li><b>Confirmation depth</b>: blocks newer than {@code head - confirmations} are refused
 *       (batch) or waited for ({@link #follow}), so a shallow reorg never reaches the store; a
 *       deeper one is detected by the parent-hash links between segments.
 *   <li><b>Progress</b>: one line per segment, with blocks done, rows and rows/s.
 * </ul>
 */
public final class Ingestor {
  /** Summary of one run. */
  public record Report(
      long blocksFetched, long rowsWritten, int segmentsWritten, Duration elapsed) {}

  private final ChainSource source;
  private final SegmentStore store;
  private final String chain;
  private final int segmentBlocks;
  private final int confirmations;
  private final int fetchConcurrency;
  private final Consumer<String> progress;
  private final LongSupplier nanoClock;
  private final boolean traces;

  public Ingestor(
      ChainSource source,
      SegmentStore store,
      String chain,
      int segmentBlocks,
      int confirmations,
      int fetchConcurrency,
      Consumer<String> progress,
      LongSupplier nanoClock) {
    this(
        source,
        store,
        chain,
        segmentBlocks,
        confirmations,
        fetchConcurrency,
        progress,
        nanoClock,
        false);
  }

  private Ingestor(
      ChainSource source,
      SegmentStore store,
      String chain,
      int segmentBlocks,
      int confirmations,
      int fetchConcurrency,
      Consumer<String> progress,
      LongSupplier nanoClock,
      boolean traces) {
    if (segmentBlocks < 1 || confirmations < 0 || fetchConcurrency < 1) {
      throw new IllegalArgumentException(
          "segmentBlocks and fetchConcurrency must be positive, confirmations >= 0");
    }
    this.source = source;
    this.store = store;
    this.chain = chain;
    this.segmentBlocks = segmentBlocks;
    this.confirmations = confirmations;
    this.fetchConcurrency = fetchConcurrency;
    this.progress = progress;
    this.nanoClock = nanoClock;
    this.traces = traces;
  }

  /**
   * This ingestor, also storing the traced tables (contracts, trace_calls, token_metas) of every
   * block it fetches; the chain source must trace ({@link ChainSource#traced}).
   */
  public Ingestor withTraces() {
    return new Ingestor(
        source,
        store,
        chain,
        segmentBlocks,
        confirmations,
        fetchConcurrency,
        progress,
        nanoClock,
        true);
  }

  public Ingestor(ChainSource source, SegmentStore store, String chain, Consumer<String> progress) {
    this(source, store, chain, 100, 0, 4, progress, System::nanoTime);
  }

  /** Ingests {@code [from, to]}; refuses a range that reaches past the confirmed head. */
  public Report ingest(long from, long to) {
    if (from < 0 || from > to) {
      throw new IngestException("invalid block range " + from + "-" + to);
    }
    long safeHead = source.latestBlockNumberChecked() - confirmations;
    if (to > safeHead) {
      throw new IngestException(
          "block "
              + to
              + " is not confirmed yet: the head is "
              + (safeHead + confirmations)
              + " and "
              + confirmations
              + " confirmations are required");
    }
    store.removeIncomplete(chain);
    long start = nanoClock.getAsLong();
    long total = to - from + 1;
    long done = total;
    for (long[] gap : store.gaps(chain, from, to)) {
      done -= gap[1] - gap[0] + 1;
    }
    long fetched = 0;
    long rows = 0;
    int segments = 0;
    try (ExecutorService pool = Executors.newFixedThreadPool(fetchConcurrency)) {
      for (long[] gap : store.gaps(chain, from, to)) {
        for (long a = gap[0]; a <= gap[1]; a = nextBoundary(a)) {
          long b = Math.min(gap[1], nextBoundary(a) - 1);
          List<ChainBlock> blocks = fetch(pool, a, b);
          Map<ChainTable, List<Object[]>> tableRows = new EnumMap<>(ChainTable.class);
          for (ChainTable t : traces ? List.of(ChainTable.values()) : ChainTable.CORE) {
            tableRows.put(t, new ArrayList<>());
          }
          String previousHash = null;
          for (ChainBlock block : blocks) {
            if (previousHash != null
                && !previousHash.equalsIgnoreCase(block.block().getParentHash())) {
              throw new IngestException(
                  "block "
                      + block.number()
                      + " does not link to block "
                      + (block.number() - 1)
                      + " (the chain reorganised while it was read); ingest again");
            }
            previousHash = block.block().getHash();
            RowExtractor.rows(block).forEach((t, r) -> tableRows.get(t).addAll(r));
            if (traces) {
              RowExtractor.tracedRows(block, source.traced(block))
                  .forEach((t, r) -> tableRows.get(t).addAll(r));
            }
          }
          SegmentManifest m =
              store.write(
                  chain,
                  a,
                  b,
                  RowExtractor.hex(blocks.get(0).block().getParentHash()),
                  RowExtractor.hex(previousHash),
                  tableRows);
          long segmentRows =
              m.tables().values().stream().mapToLong(SegmentManifest.TableSummary::rows).sum();
          fetched += b - a + 1;
          done += b - a + 1;
          rows += segmentRows;
          segments++;
          double seconds = Math.max(1e-9, (nanoClock.getAsLong() - start) / 1e9);
          progress.accept(
              String.format(
                  "ingest %s: blocks %d-%d stored (%d/%d blocks, %.0f%%), %d rows, %.0f rows/s",
                  chain, a, b, done, total, 100.0 * done / total, rows, rows / seconds));
        }
      }
    }
    Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
    if (fetched == 0) {
      progress.accept(
          String.format(
              "ingest %s: blocks %d-%d already stored, nothing to fetch", chain, from, to));
    }
    return new Report(fetched, rows, segments, elapsed);
  }

  /**
   * Streaming ingestion: keeps ingesting confirmed blocks from {@code from} on, polling the head
   * every {@code poll}, until {@code stop} says so. Returns the next block to ingest.
   */
  public long follow(long from, Duration poll, BooleanSupplier stop, Sleeper sleeper) {
    return follow(from, poll, stop, sleeper, to -> {});
  }

  /**
   * As {@link #follow(long, Duration, BooleanSupplier, Sleeper)}, calling {@code ingested} with the
   * last block stored after each ingested range (all of {@code [from, that block]} is stored).
   */
  public long follow(
      long from,
      Duration poll,
      BooleanSupplier stop,
      Sleeper sleeper,
      java.util.function.LongConsumer ingested) {
    long next = from;
    while (!stop.getAsBoolean()) {
      long safeHead = source.latestBlockNumberChecked() - confirmations;
      if (safeHead >= next) {
        ingest(next, safeHead);
        next = safeHead + 1;
        ingested.accept(safeHead);
      } else {
        try {
          sleeper.sleep(poll);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return next;
  }

  private long nextBoundary(long block) {
    return (block / segmentBlocks + 1) * segmentBlocks;
  }

  private List<ChainBlock> fetch(ExecutorService pool, long a, long b) {
    List<CompletableFuture<ChainBlock>> futures = new ArrayList<>();
    for (long n = a; n <= b; n++) {
      long number = n;
      futures.add(CompletableFuture.supplyAsync(() -> source.blockChecked(number), pool));
    }
    List<ChainBlock> out = new ArrayList<>();
    try {
      for (CompletableFuture<ChainBlock> f : futures) {
        out.add(f.join());
      }
    } catch (CompletionException e) {
      futures.forEach(f -> f.cancel(true));
      if (e.getCause() instanceof IngestException ie) {
        throw ie;
      }
      throw new IngestException(
          "fetching blocks " + a + "-" + b + " failed: " + e.getCause().getMessage(), e.getCause());
    }
    return out;
  }
}
