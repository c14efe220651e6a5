package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.Sink;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.manuscript.SourceType;
import io.cvmavs.cvm.manuscript.Transform;
import io.cvmavs.cvm.sink.StreamingPostgresSink;
import io.cvmavs.cvm.sink.StreamingPrintSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;

/**
 * Runs a manuscript whose sinks are not attested (postgres, print) as a continuous Flink streaming
 * job over new chain blocks at a confirmation depth (issue 15 item 4, {@code cvm-avs cvm stream}):
 * each source reads its table block by block from the chain ({@link ChainBlockSource}), the
 * transforms are the manuscript's SQL in streaming mode, and each postgres sink upserts Flink's
 * changelog by its {@code primary_key} ({@link StreamingPostgresSink}).
 *
 * <p>Restarts: the job checkpoints every {@code checkpointInterval} into {@code
 * <stateDirectory>/checkpoints} and keeps its last checkpoint when it is cancelled or the process
 * dies; {@link #start} resumes from the newest one there (the sources' next blocks and the SQL's
 * state, e.g. running aggregates), so no block is skipped, and rows replayed since that checkpoint
 * are upserted over themselves, so none is written twice. One state directory per manuscript: a
 * changed manuscript must start over in a new one.
 *
 * <p>Refused (with every problem named): {@code dataset} sinks (attested per block range, by
 * tasks), filesystem sinks, {@code per_range} sinks (there is no range), window and lookup sources,
 * and the traced tables (contracts, trace_calls, token_metas).
 */
public final class ManuscriptStream {
  private ManuscriptStream() {}

  /**
   * How to stream.
   *
   * @param untilBlock the last block to read ({@code Long.MAX_VALUE}: run until cancelled)
   * @param fromBlock the first block when there is no checkpoint to resume from
   * @param flushInterval how long a postgres sink buffers a change before committing it
   * @param keepCheckpoints how many complete checkpoints the state directory keeps (the newest)
   */
  public record Options(
      String rpcUrl,
      int confirmations,
      long fromBlock,
      long untilBlock,
      Duration poll,
      Path stateDirectory,
      Duration checkpointInterval,
      Duration flushInterval,
      boolean progress,
      int keepCheckpoints) {
    public Options {
      if (keepCheckpoints < 1) {
        throw new IllegalArgumentException(
            "keepCheckpoints must be >= 1 (the newest checkpoint is where a restart resumes)");
      }
    }

    /** Keeps {@link #DEFAULT_KEEP_CHECKPOINTS} checkpoints. */
    public Options(
        String rpcUrl,
        int confirmations,
        long fromBlock,
        long untilBlock,
        Duration poll,
        Path stateDirectory,
        Duration checkpointInterval,
        Duration flushInterval,
        boolean progress) {
      this(
          rpcUrl,
          confirmations,
          fromBlock,
          untilBlock,
          poll,
          stateDirectory,
          checkpointInterval,
          flushInterval,
          progress,
          DEFAULT_KEEP_CHECKPOINTS);
    }
  }

  /** Complete checkpoints kept by default: the newest and the one before it. */
  public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

  /** A submitted streaming job. */
  public static final class Job {
    private final JobClient client;
    private final Optional<Path> resumedFrom;
    private final ScheduledExecutorService pruner;

    Job(JobClient client, Optional<Path> resumedFrom, Path checkpoints, Options options) {
      this.client = client;
      this.resumedFrom = resumedFrom;
      // the checkpoints of earlier runs (a killed or cancelled process leaves its job's folder
      // behind) are deleted once this job has its own; Flink itself keeps this job's newest ones
      this.pruner =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "cvm-stream-checkpoint-pruner");
                t.setDaemon(true);
                return t;
              });
      long every = Math.max(options.checkpointInterval().toMillis(), 100);
      String running = client.getJobID().toHexString();
      pruner.scheduleWithFixedDelay(
          () -> {
            try {
              pruneCheckpoints(checkpoints, options.keepCheckpoints(), Optional.of(running));
            } catch (RuntimeException e) {
              System.err.println("stream: " + e.getMessage() + " (retrying)");
            }
          },
          every,
          every,
          TimeUnit.MILLISECONDS);
      client.getJobExecutionResult().handle((r, t) -> pruner.shutdownNow());
    }

    public JobID id() {
      return client.getJobID();
    }

    /** The checkpoint this job resumed from; empty when it started at {@code fromBlock}. */
    public Optional<Path> resumedFrom() {
      return resumedFrom;
    }

    public JobStatus status() {
      try {
        return client.getJobStatus().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException("interrupted while reading the job's status", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new EngineException("reading the streaming job's status failed: " + e, e);
      }
    }

    /** Cancels the job; its last checkpoint stays for the next {@link #start}. */
    public void cancel() {
      try {
        client.cancel().get(60, TimeUnit.SECONDS);
        client.getJobExecutionResult().handle((r, t) -> null).get(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException("interrupted while cancelling the streaming job", e);
      } catch (ExecutionException | TimeoutException e) {
        if (!status().isGloballyTerminalState()) {
          throw new EngineException("cancelling the streaming job failed: " + e, e);
        }
      }
    }

    /**
     * Cancels the job for a process that is shutting down (Ctrl-C, SIGTERM): waits at most {@code
     * timeout} and never throws, since the embedded cluster may already be stopping itself; the
     * retained checkpoints are on disk either way.
     *
     * @return whether the job was seen to end
     */
    public boolean cancelOnShutdown(Duration timeout) {
      try {
        client.cancel().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        return false;
      }
    }

    /**
     * Waits for the job to end (a bounded run reaching its last block, or a failure); a failure is
     * thrown with its root cause (e.g. a reorg below the confirmation depth).
     */
    public void await() {
      try {
        client.getJobExecutionResult().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EngineException("interrupted while waiting for the streaming job", e);
      } catch (ExecutionException e) {
        throw new EngineException(
            "the streaming job failed: " + ManuscriptRunner.rootMessage(e), e);
      }
    }
  }

  /** The problems that keep {@code m} from streaming; empty when it can. */
  public static List<String> problems(Manuscript m) {
    List<String> problems = new ArrayList<>();
    for (Source s : m.sources()) {
      if (s.type() != SourceType.DATASET) {
        problems.add(
            "source '"
                + s.name()
                + "' ("
                + s.location()
                + "): "
                + s.type()
                + " sources are not streamed (only 'dataset': windows need event-time"
                + " watermarks, lookups a table read whole)");
      }
      Optional<ChainTable> table = ChainTable.of(s.table());
      if (table.isPresent() && !table.get().core()) {
        problems.add(
            "source '"
                + s.name()
                + "' ("
                + s.location()
                + "): "
                + s.dataset()
                + " is a traced table; a stream reads "
                + ChainTable.CORE.stream().map(ChainTable::tableName).toList()
                + " only");
      }
    }
    for (Sink k : m.sinks()) {
      switch (k.type()) {
        case DATASET ->
            problems.add(
                "sink '"
                    + k.name()
                    + "' ("
                    + k.location()
                    + "): dataset sinks are attested per block range (tasks, cvm prove), not"
                    + " streamed; stream a manuscript whose sinks are postgres or print");
        case FILESYSTEM ->
            problems.add(
                "sink '"
                    + k.name()
                    + "' ("
                    + k.location()
                    + "): filesystem sinks are written whole per run (manuscript run); a stream"
                    + " writes postgres and print sinks");
        case POSTGRES -> {
          if (k.primaryKey().isEmpty()) {
            problems.add(
                "sink '"
                    + k.name()
                    + "' ("
                    + k.location()
                    + "): a streamed postgres sink needs a primary_key (it upserts by it)");
          }
          if (k.perRange()) {
            problems.add(
                "sink '"
                    + k.name()
                    + "' ("
                    + k.location()
                    + "): per_range has no meaning in a stream (there is no block range); drop"
                    + " it, aggregates are kept up to date by key");
          }
        }
        case PRINT -> {}
      }
    }
    // the parser requires a sink: with no problem left, there is a postgres or print sink
    return problems;
  }

  /**
   * Submits {@code m} as a streaming job on {@code runtime}, resuming from the newest checkpoint
   * under {@code options.stateDirectory()} if there is one.
   */
  public static Job start(FlinkRuntime runtime, Manuscript m, Options options) {
    List<String> problems = problems(m);
    if (!problems.isEmpty()) {
      throw new EngineException(m.file() + " cannot be streamed: " + String.join("; ", problems));
    }
    Path checkpoints = options.stateDirectory().toAbsolutePath().resolve("checkpoints");
    try {
      Files.createDirectories(checkpoints);
    } catch (IOException e) {
      throw new EngineException(
          "cannot create the stream's checkpoint directory " + checkpoints + ": " + e, e);
    }
    Optional<Path> resume = latestCheckpoint(checkpoints);
    pruneCheckpoints(checkpoints, options.keepCheckpoints(), Optional.empty());
    Map<String, String> conf = new HashMap<>();
    conf.put("execution.checkpointing.dir", checkpoints.toUri().toString());
    conf.put("execution.checkpointing.interval", options.checkpointInterval().toMillis() + " ms");
    conf.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.put("execution.checkpointing.num-retained", Integer.toString(options.keepCheckpoints()));
    // a failure (a reorg below the depth, an unreachable database) ends the job with its reason
    conf.put("restart-strategy.type", "none");
    resume.ifPresent(p -> conf.put("execution.state-recovery.path", p.toUri().toString()));
    int parallelism = 1;
    FlinkRuntime.Session session = runtime.newStreamingSession(parallelism, conf);
    StreamTableEnvironment tEnv = session.tEnv();
    io.cvmavs.cvm.udf.Udfs.register(tEnv);
    Set<String> referenced = m.referencedNames();
    for (Source s : m.sources()) {
      ChainTable table = ChainTable.of(s.table()).orElseThrow();
      TypeInformation<?>[] types =
          table.columns().stream()
              .map(c -> ManuscriptRunner.typeInfo(c.type()))
              .toArray(TypeInformation<?>[]::new);
      RowTypeInfo rowType = new RowTypeInfo(types, table.columnNames().toArray(String[]::new));
      ChainBlockSource source =
          new ChainBlockSource(
              new ChainBlockSource.Settings(
                  options.rpcUrl(),
                  s.chain(),
                  table,
                  options.confirmations(),
                  options.fromBlock(),
                  options.untilBlock(),
                  options.poll(),
                  options.progress()));
      DataStream<Row> stream =
          session
              .env()
              .fromSource(source, WatermarkStrategy.noWatermarks(), s.dataset(), rowType)
              .setParallelism(1)
              .uid("chain-source-" + s.name());
      ManuscriptRunner.registerViews(tEnv, s, stream, referenced);
    }
    for (Transform t : m.transforms()) {
      try {
        tEnv.createTemporaryView(t.name(), tEnv.sqlQuery(t.sql()));
      } catch (RuntimeException e) {
        throw new EngineException(ManuscriptRunner.sqlProblem(m, t, e).toString(), e);
      }
    }
    for (Sink k : m.sinks()) {
      Table relation = tEnv.from(k.from());
      List<String> columns = relation.getResolvedSchema().getColumnNames();
      List<LogicalType> types =
          relation.getResolvedSchema().getColumns().stream()
              .map(Column::getDataType)
              .map(DataType::getLogicalType)
              .toList();
      DataStream<Row> changes = tEnv.toChangelogStream(relation);
      org.apache.flink.api.connector.sink2.Sink<Row> out =
          switch (k.type()) {
            case POSTGRES ->
                new StreamingPostgresSink(
                    k, columns, types, options.flushInterval().toMillis(), options.progress());
            case PRINT -> new StreamingPrintSink(k.name(), columns);
            default -> throw new IllegalStateException("refused above: " + k.type());
          };
      changes
          .sinkTo(out)
          .name(k.type().name().toLowerCase() + " " + k.name())
          .uid("sink-" + k.name());
    }
    try {
      JobClient client = session.env().executeAsync("cvm stream " + m.name());
      return new Job(client, resume, checkpoints, options);
    } catch (Exception e) {
      throw new EngineException(
          "submitting the streaming job of "
              + m.file()
              + (resume.isPresent() ? " (resuming from " + resume.get() + ")" : "")
              + " failed: "
              + ManuscriptRunner.rootMessage(e),
          e);
    }
  }

  /**
   * The newest complete checkpoint under {@code checkpoints} ({@code <job>/chk-<n>/_metadata}, the
   * one with the newest metadata file; Flink writes {@code _metadata} last), if any.
   */
  public static Optional<Path> latestCheckpoint(Path checkpoints) {
    return completeCheckpoints(checkpoints).stream().findFirst();
  }

  /** Every complete checkpoint under {@code checkpoints}, newest first. */
  static List<Path> completeCheckpoints(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return List.of();
    }
    try (Stream<Path> jobs = Files.list(checkpoints)) {
      List<Path> metadata = new ArrayList<>();
      for (Path job : jobs.filter(Files::isDirectory).toList()) {
        try (Stream<Path> chks = Files.list(job)) {
          chks.filter(ManuscriptStream::isCheckpointDirectory)
              .map(p -> p.resolve("_metadata"))
              .filter(Files::isRegularFile)
              .forEach(metadata::add);
        }
      }
      return metadata.stream()
          .sorted(
              Comparator.comparing(
                      (Path p) -> {
                        try {
                          return Files.getLastModifiedTime(p).toMillis();
                        } catch (IOException e) {
                          return 0L;
                        }
                      })
                  .thenComparing(
                      p -> Long.parseLong(p.getParent().getFileName().toString().substring(4)))
                  .reversed())
          .map(Path::getParent)
          .toList();
    } catch (IOException | NumberFormatException e) {
      throw new EngineException(
          "cannot read the stream's checkpoints in " + checkpoints + ": " + e, e);
    }
  }

  private static boolean isCheckpointDirectory(Path p) {
    String name = p.getFileName().toString();
    return name.startsWith("chk-")
        && name.length() > 4
        && name.substring(4).chars().allMatch(Character::isDigit);
  }

  /**
   * Deletes what a restart can no longer need. Without a {@code running} job (at start): every
   * complete checkpoint but the newest {@code keep}, the unfinished ones (a process killed
   * mid-checkpoint) and the folders of jobs none of whose checkpoints is kept. With one (a Flink
   * job id in hex): once it has a complete checkpoint of its own, every earlier run's folder — the
   * running job restored in Flink's no-claim mode, so its first checkpoint is a full one that needs
   * nothing older; its own folder is left to Flink, which keeps its newest {@code keep} itself.
   *
   * @return the paths deleted
   */
  public static List<Path> pruneCheckpoints(Path checkpoints, int keep, Optional<String> running) {
    List<Path> complete = completeCheckpoints(checkpoints);
    boolean runningHasOne =
        running.isPresent()
            && complete.stream()
                .anyMatch(c -> c.getParent().getFileName().toString().equals(running.get()));
    Set<Path> kept =
        runningHasOne ? Set.of() : Set.copyOf(complete.subList(0, Math.min(keep, complete.size())));
    List<Path> deleted = new ArrayList<>();
    if (!Files.isDirectory(checkpoints)) {
      return deleted;
    }
    try (Stream<Path> jobs = Files.list(checkpoints)) {
      for (Path job : jobs.filter(Files::isDirectory).toList()) {
        if (running.isPresent() && job.getFileName().toString().equals(running.get())) {
          continue;
        }
        List<Path> chks;
        try (Stream<Path> list = Files.list(job)) {
          chks = list.filter(ManuscriptStream::isCheckpointDirectory).toList();
        }
        if (chks.stream().noneMatch(kept::contains)) {
          deleteTree(job);
          deleted.add(job);
          continue;
        }
        for (Path chk : chks) {
          if (!kept.contains(chk)) {
            deleteTree(chk);
            deleted.add(chk);
          }
        }
      }
    } catch (IOException e) {
      throw new EngineException("cannot delete old checkpoints in " + checkpoints + ": " + e, e);
    }
    return deleted;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
