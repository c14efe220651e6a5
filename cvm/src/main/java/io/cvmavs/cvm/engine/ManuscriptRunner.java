package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainData;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.manuscript.Location;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptException.Problem;
import io.cvmavs.cvm.manuscript.Sink;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.manuscript.Transform;
import io.cvmavs.cvm.manuscript.Window;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.ProofException;
import io.cvmavs.cvm.sink.SinkRows;
import io.cvmavs.cvm.sink.SinkTransaction;
import io.cvmavs.cvm.udf.Udfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeRoot;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;

/**
 * Runs a manuscript as a Flink batch job over a block range: each source becomes a view over the
 * chain rows of the range (filtered, windowed), each transform a view over its SQL, in order; each
 * sink's rows are collected and written. {@code dataset} sinks become {@link CanonicalDataset}s:
 * rows in canonical order, Merkle root, proofs — the same for any parallelism and any run, because
 * nothing depends on the order Flink returns rows in.
 *
 * <p>Runs are serialised per runner; the {@link FlinkRuntime} stays warm between them.
 */
public final class ManuscriptRunner {
  private final FlinkRuntime runtime;
  private final ChainData data;
  private final LongSupplier nanoClock;
  private final ReentrantLock lock = new ReentrantLock();

  public ManuscriptRunner(FlinkRuntime runtime, ChainData data, LongSupplier nanoClock) {
    this.runtime = runtime;
    this.data = data;
    this.nanoClock = nanoClock;
  }

  public ManuscriptRunner(FlinkRuntime runtime, ChainData data) {
    this(runtime, data, System::nanoTime);
  }

  public RunResult run(Manuscript m, RunOptions options) {
    int parallelism = options.parallelism().orElse(m.parallelism());
    if (runtime.isEmbedded() && parallelism > FlinkRuntime.EMBEDDED_SLOTS) {
      throw new EngineException(
          "parallelism "
              + parallelism
              + " exceeds the embedded cluster's "
              + FlinkRuntime.EMBEDDED_SLOTS
              + " task slots; lower it or run on a Flink cluster");
    }
    lock.lock();
    try {
      long start = nanoClock.getAsLong();
      FlinkRuntime.Session session = runtime.newBatchSession(parallelism);
      StreamTableEnvironment tEnv = session.tEnv();
      Udfs.register(tEnv);
      Set<String> referenced = m.referencedNames();
      for (Source s : m.sources()) {
        registerSource(session, s, options, parallelism, referenced);
      }
      for (Transform t : m.transforms()) {
        try {
          tEnv.createTemporaryView(t.name(), tEnv.sqlQuery(t.sql()));
        } catch (RuntimeException e) {
          Problem p = sqlProblem(m, t, e);
          throw new EngineException(p.toString(), e);
        }
      }
      Map<String, Collected> collected = new HashMap<>();
      Map<String, Long> rowsPerSink = new LinkedHashMap<>();
      Map<String, CanonicalDataset> datasets = new LinkedHashMap<>();
      for (Sink sink : m.sinks()) {
        Collected result =
            collected.computeIfAbsent(sink.from(), from -> collect(session, from, sink));
        switch (sink.type()) {
          case DATASET -> {
            for (int c = 0; c < result.types().size(); c++) {
              LogicalTypeRoot root = result.types().get(c).getTypeRoot();
              if (root == LogicalTypeRoot.FLOAT || root == LogicalTypeRoot.DOUBLE) {
                // Floating-point sums depend on the order rows arrive in, which varies with
                // parallelism: an
                // attested root must not.
                throw new EngineException(
                    "dataset sink '"
                        + sink.name()
                        + "' ("
                        + sink.location()
                        + "): column '"
                        + result.columns().get(c)
                        + "' is "
                        + root
                        + "; attested datasets must be deterministic, use DECIMAL (e.g. CAST(x AS DECIMAL(38, 18)))");
              }
            }
            try {
              CanonicalDataset ds =
                  result.records() != null
                      ? CanonicalDataset.ofRecords(
                          result.columns(), sink.primaryKey(), result.records())
                      : CanonicalDataset.of(result.columns(), sink.primaryKey(), result.rows());
              datasets.put(sink.name(), ds);
              rowsPerSink.put(sink.name(), (long) ds.size());
            } catch (ProofException e) {
              throw new EngineException(
                  "dataset sink '" + sink.name() + "' (" + sink.location() + "): " + e.getMessage(),
                  e);
            }
          }
          default ->
              // side-effect sinks: written below, once every sink's rows are computed
              rowsPerSink.put(sink.name(), 0L);
        }
      }
      writeSideEffects(m, options, collected, rowsPerSink);
      return new RunResult(
          rowsPerSink, datasets, parallelism, Duration.ofNanos(nanoClock.getAsLong() - start));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Writes the side-effect sinks (print, filesystem, postgres) of a run whose every sink's rows are
   * already computed, all-or-nothing through one {@link SinkTransaction}: a failing sink leaves
   * every table and file of the run as it was. A {@code per_range} postgres sink gets the run's
   * block range as two extra key columns.
   */
  private static void writeSideEffects(
      Manuscript m,
      RunOptions options,
      Map<String, Collected> collected,
      Map<String, Long> rowsPerSink) {
    if (m.sinks().stream().noneMatch(Sink::sideEffect)) {
      return;
    }
    try (SinkTransaction tx = new SinkTransaction()) {
      for (Sink sink : m.sinks()) {
        if (!sink.sideEffect()) {
          continue;
        }
        SinkRows rows = collected.get(sink.from()).sinkRows();
        long written =
            switch (sink.type()) {
              case PRINT -> tx.print(sink.name(), rows);
              case FILESYSTEM ->
                  sink.fileName().isPresent()
                      ? tx.file(
                          sink.name(),
                          rows,
                          options.outputDirectory().resolve(sink.fileName().get()),
                          true)
                      : tx.file(sink.name(), rows, Path.of(sink.path().orElseThrow()), false);
              case POSTGRES -> {
                if (sink.perRange()) {
                  List<String> key = new java.util.ArrayList<>(sink.primaryKey());
                  key.addAll(Sink.RANGE_COLUMNS);
                  yield tx.postgres(
                      sink, rows.withRange(options.fromBlock(), options.toBlock()), key);
                }
                yield tx.postgres(sink, rows, sink.primaryKey());
              }
              case DATASET -> throw new IllegalStateException("not a side-effect sink");
            };
        rowsPerSink.put(sink.name(), written);
      }
      tx.commit(options.printTo());
    }
  }

  /**
   * Compiles a manuscript's SQL without running it (sources as empty views of their schemas):
   * unknown columns, tables and UDFs, type errors and syntax errors are refused with the transform
   * and its file line and column; a postgres sink's key must name columns of its input. Used by
   * {@code manuscript validate} and {@code cvm serve}.
   *
   * @return every sink's columns in schema order with the SQL types the manuscript gives them (the
   *     {@code records} and {@code query} answers of {@code cvm serve} carry a dataset's)
   */
  public static Map<String, List<SqlColumn>> compile(Manuscript m) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
    env.setRuntimeMode(org.apache.flink.api.common.RuntimeExecutionMode.BATCH);
    StreamTableEnvironment tEnv =
        StreamTableEnvironment.create(
            env,
            org.apache.flink.table.api.EnvironmentSettings.newInstance().inBatchMode().build());
    tEnv.getConfig().set("table.local-time-zone", "UTC");
    Udfs.register(tEnv);
    Set<String> referenced = m.referencedNames();
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < m.sources().size(); i++) {
      Source s = m.sources().get(i);
      try {
        registerViews(tEnv, s, null, referenced);
      } catch (EngineException e) {
        problems.add(
            new Problem(
                s.location().file(),
                s.location().line(),
                s.location().column(),
                "sources[" + i + "]",
                e.getMessage()));
      }
    }
    if (problems.isEmpty()) {
      for (Transform t : m.transforms()) {
        try {
          tEnv.createTemporaryView(t.name(), tEnv.sqlQuery(t.sql()));
        } catch (RuntimeException e) {
          problems.add(sqlProblem(m, t, e));
          break; // later transforms may read this one
        }
      }
    }
    Map<String, List<SqlColumn>> schemas = new LinkedHashMap<>();
    if (problems.isEmpty()) {
      for (int i = 0; i < m.sinks().size(); i++) {
        Sink sink = m.sinks().get(i);
        ResolvedSchema schema = tEnv.from(sink.from()).getResolvedSchema();
        List<String> columns = schema.getColumnNames();
        List<SqlColumn> typed = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
          LogicalType t = schema.getColumnDataTypes().get(c).getLogicalType();
          typed.add(new SqlColumn(columns.get(c), t.copy(true).asSummaryString(), t.isNullable()));
        }
        schemas.put(sink.name(), List.copyOf(typed));
        for (String k : sink.primaryKey()) {
          if (!columns.contains(k)) {
            problems.add(
                new Problem(
                    sink.location().file(),
                    sink.location().line(),
                    sink.location().column(),
                    "sinks[" + i + "].primary_key",
                    "'" + k + "' is not a column of '" + sink.from() + "' " + columns));
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ManuscriptException(problems);
    }
    return Collections.unmodifiableMap(schemas);
  }

  /**
   * A sink column: its name, its Flink SQL type as the manuscript's SQL gives it (e.g. {@code
   * BIGINT}, {@code STRING}, {@code DECIMAL(38, 0)}, {@code TIMESTAMP(3)}) and whether it may be
   * NULL.
   */
  public record SqlColumn(String name, String type, boolean nullable) {}

  private static final java.util.regex.Pattern SQL_POSITION =
      java.util.regex.Pattern.compile("line (\\d+), column (\\d+)");

  /** Calcite's "From line 1, column 8 to line 1, column 10: " and " at line 1, column 8". */
  private static final java.util.regex.Pattern SQL_POSITION_TEXT =
      java.util.regex.Pattern.compile(
          "(?i)(?:\\bfrom line \\d+, column \\d+ to line \\d+, column \\d+:\\s*"
              + "|\\s*\\bat line \\d+, column \\d+(?=[.:,\\s]|$))");

  /** A transform's SQL error at its file line and column. */
  static Problem sqlProblem(Manuscript m, Transform t, RuntimeException e) {
    String message = rootMessage(e);
    int cut = message.indexOf("\nWas expecting");
    if (cut > 0) {
      message = message.substring(0, cut);
    }
    message = message.strip().replaceAll("\\s*\\n\\s*", " ");
    Location at = t.location();
    // Calcite puts the position on an outer exception ("From line 1, column 8 to ...") and the
    // reason on the innermost: look through the whole chain.
    for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
      java.util.regex.Matcher pos =
          SQL_POSITION.matcher(c.getMessage() == null ? "" : c.getMessage());
      if (pos.find()) {
        at =
            t.sqlMap()
                .locate(t.sql(), Integer.parseInt(pos.group(1)), Integer.parseInt(pos.group(2)));
        break;
      }
    }
    // the problem carries the one position (in the YAML file): Calcite's own, relative to the SQL
    // text, would be a second and different one
    message = SQL_POSITION_TEXT.matcher(message).replaceAll("").strip();
    int index = m.transforms().indexOf(t);
    return new Problem(
        at.file(),
        at.line(),
        at.column(),
        "transforms[" + index + "].sql",
        "transform '" + t.name() + "' does not compile: " + message);
  }

  private void registerSource(
      FlinkRuntime.Session session,
      Source s,
      RunOptions options,
      int jobParallelism,
      Set<String> referenced) {
    ChainTable table = ChainTable.of(s.table()).orElseThrow();
    String raw = "__raw_" + s.name();
    TypeInformation<?>[] types =
        table.columns().stream().map(c -> typeInfo(c.type())).toArray(TypeInformation<?>[]::new);
    RowTypeInfo rowType = new RowTypeInfo(types, table.columnNames().toArray(String[]::new));
    DataStream<?> stream;
    Optional<List<SegmentStore.SegmentPart>> parts =
        data.parts(s.chain(), table, options.fromBlock(), options.toBlock());
    if (parts.isPresent()) {
      // Tasks read the stored files themselves: nothing but file names travels in the job; rows
      // are built as Flink's internal RowData straight from the stored bytes.
      List<Tuple4<String, Long, Long, Long>> refs = new ArrayList<>();
      for (SegmentStore.SegmentPart p : parts.get()) {
        refs.add(Tuple4.of(p.file(), p.keepFrom(), p.keepTo(), p.fileRows()));
      }
      LogicalType[] logical =
          table.columns().stream()
              .map(c -> dataType(c.type()).getLogicalType())
              .toArray(LogicalType[]::new);
      InternalTypeInfo<RowData> internalType =
          InternalTypeInfo.of(RowType.of(logical, table.columnNames().toArray(String[]::new)));
      stream =
          refs.isEmpty()
              ? null
              : session
                  .env()
                  .fromData(refs, Types.TUPLE(Types.STRING, Types.LONG, Types.LONG, Types.LONG))
                  .name(s.dataset() + " segments")
                  .rebalance()
                  .flatMap(
                      new ReadSegmentPart(
                          table.columns().stream().map(ChainTable.Column::type).toList()),
                      internalType)
                  .setParallelism(Math.min(jobParallelism, s.parallelism().orElse(jobParallelism)))
                  .name(s.dataset());
    } else {
      List<Object[]> rows = data.rows(s.chain(), table, options.fromBlock(), options.toBlock());
      List<Row> flinkRows = new ArrayList<>(rows.size());
      for (Object[] r : rows) {
        flinkRows.add(Row.of(r));
      }
      stream = rows.isEmpty() ? null : session.env().fromData(flinkRows, rowType).name(s.dataset());
    }
    registerViews(session.tEnv(), s, stream, referenced);
  }

  /**
   * The views of one source: the raw rows (an empty relation when {@code stream} is null), the
   * Chainbase aliases and {@code __proc_time} the manuscript names, the filter, the window.
   */
  static void registerViews(
      StreamTableEnvironment tEnv, Source s, DataStream<?> stream, Set<String> referenced) {
    ChainTable table = ChainTable.of(s.table()).orElseThrow();
    String raw = "__raw_" + s.name();
    if (stream == null) {
      tEnv.createTemporaryView(raw, tEnv.sqlQuery(emptySelect(table)));
    } else {
      Schema.Builder schema = Schema.newBuilder();
      for (ChainTable.Column c : table.columns()) {
        schema.column(c.name(), dataType(c.type()));
      }
      tEnv.createTemporaryView(raw, tEnv.fromDataStream(stream, schema.build()));
    }
    List<String> extra = new ArrayList<>();
    table
        .aliases()
        .forEach(
            (alias, column) -> {
              if (referenced.contains(alias.toUpperCase(java.util.Locale.ROOT))
                  && !table.columnNames().contains(alias)) {
                extra.add("`" + column + "` AS `" + alias + "`");
              }
            });
    if (referenced.contains(PROC_TIME.toUpperCase(java.util.Locale.ROOT))) {
      // A batch run over an ingested range "processes" each row at its block time: reproducible,
      // unlike the wall clock.
      extra.add("block_timestamp AS " + PROC_TIME);
    }
    if (!extra.isEmpty()) {
      String aliased = "__aliased_" + s.name();
      tEnv.createTemporaryView(
          aliased,
          tEnv.sqlQuery(
              "SELECT *, " + String.join(", ", extra.stream().sorted().toList()) + " FROM " + raw));
      raw = aliased;
    }
    String filtered = raw;
    if (s.filter().isPresent()) {
      filtered = "__filtered_" + s.name();
      try {
        tEnv.createTemporaryView(
            filtered, tEnv.sqlQuery("SELECT * FROM " + raw + " WHERE " + s.filter().get()));
      } catch (RuntimeException e) {
        throw new EngineException(
            "source '"
                + s.name()
                + "' ("
                + s.location()
                + "): the filter does not compile: "
                + rootMessage(e),
            e);
      }
    }
    String sql = "SELECT * FROM " + filtered;
    if (s.window().isPresent()) {
      Window w = s.window().get();
      String tvf =
          switch (s.type()) {
            case TUMBLE_WINDOW_DATASET ->
                "TUMBLE(TABLE "
                    + filtered
                    + ", DESCRIPTOR("
                    + w.timeColumn()
                    + "), "
                    + interval(w.size())
                    + ")";
            case HOP_WINDOW_DATASET ->
                "HOP(TABLE "
                    + filtered
                    + ", DESCRIPTOR("
                    + w.timeColumn()
                    + "), "
                    + interval(w.slide().orElseThrow())
                    + ", "
                    + interval(w.size())
                    + ")";
            case CUMULATIVE_WINDOW_DATASET ->
                "CUMULATE(TABLE "
                    + filtered
                    + ", DESCRIPTOR("
                    + w.timeColumn()
                    + "), "
                    + interval(w.step().orElseThrow())
                    + ", "
                    + interval(w.size())
                    + ")";
            default -> throw new IllegalStateException("not a window source: " + s.type());
          };
      sql = "SELECT * FROM TABLE(" + tvf + ")";
    }
    try {
      tEnv.createTemporaryView(s.name(), tEnv.sqlQuery(sql));
    } catch (RuntimeException e) {
      throw new EngineException(
          "source '" + s.name() + "' (" + s.location() + ") does not compile: " + rootMessage(e),
          e);
    }
  }

  /** Chainbase's implicit processing-time column. */
  public static final String PROC_TIME = "__proc_time";

  /** A Flink SQL interval literal of whole seconds; precision sized to the value. */
  static String interval(Duration d) {
    long seconds = d.toSeconds();
    if (seconds % 86400 == 0) {
      return literal(seconds / 86400, "DAY");
    }
    if (seconds % 3600 == 0) {
      return literal(seconds / 3600, "HOUR");
    }
    if (seconds % 60 == 0) {
      return literal(seconds / 60, "MINUTE");
    }
    return literal(seconds, "SECOND");
  }

  private static String literal(long n, String unit) {
    int digits = Math.max(2, Long.toString(n).length());
    return "INTERVAL '" + n + "' " + unit + "(" + digits + ")";
  }

  private static String emptySelect(ChainTable table) {
    List<String> cols = new ArrayList<>();
    for (ChainTable.Column c : table.columns()) {
      String type =
          switch (c.type()) {
            case BIGINT -> "BIGINT";
            case STRING -> "STRING";
            case TIMESTAMP -> "TIMESTAMP(3)";
          };
      cols.add("CAST(NULL AS " + type + ") AS `" + c.name() + "`");
    }
    return "SELECT * FROM (SELECT " + String.join(", ", cols) + ") WHERE FALSE";
  }

  static TypeInformation<?> typeInfo(ChainTable.ColumnType t) {
    return switch (t) {
      case BIGINT -> Types.LONG;
      case STRING -> Types.STRING;
      case TIMESTAMP -> Types.LOCAL_DATE_TIME;
    };
  }

  private static DataType dataType(ChainTable.ColumnType t) {
    return switch (t) {
      case BIGINT -> DataTypes.BIGINT();
      case STRING -> DataTypes.STRING();
      case TIMESTAMP -> DataTypes.TIMESTAMP(3);
    };
  }

  /**
   * A relation's result: canonical records as the tasks wrote them (embedded runs; rows decoded
   * only when a non-dataset sink asks) or rows from the collect path ({@code records} null).
   */
  private static final class Collected {
    private final List<String> columns;
    private final List<LogicalType> types;
    private final List<byte[]> records;
    private List<Object[]> rows;

    Collected(
        List<String> columns, List<LogicalType> types, List<byte[]> records, List<Object[]> rows) {
      this.columns = columns;
      this.types = types;
      this.records = records;
      this.rows = rows;
    }

    List<String> columns() {
      return columns;
    }

    List<LogicalType> types() {
      return types;
    }

    List<byte[]> records() {
      return records;
    }

    List<Object[]> rows() {
      if (rows == null) {
        rows = new ArrayList<>(records.size());
        for (byte[] r : records) {
          rows.add(CanonicalDecoding.decode(r));
        }
      }
      return rows;
    }

    SinkRows sinkRows() {
      return new SinkRows(columns, types, rows());
    }
  }

  private Collected collect(FlinkRuntime.Session session, String from, Sink sink) {
    StreamTableEnvironment tEnv = session.tEnv();
    Table table = tEnv.from(from);
    ResolvedSchema schema = table.getResolvedSchema();
    List<String> columns = schema.getColumnNames();
    List<LogicalType> types =
        schema.getColumns().stream()
            .map(Column::getDataType)
            .map(DataType::getLogicalType)
            .toList();
    if (runtime.isEmbedded()) {
      Path dir;
      try {
        dir = Files.createTempDirectory("cvm-run-");
      } catch (java.io.IOException e) {
        throw new EngineException(
            "cannot create a directory for the run's results: " + e.getMessage(), e);
      }
      try {
        tEnv.toDataStream(table)
            .sinkTo(new RecordFileSink(dir.toString()))
            .name("cvm records: " + from);
        session.env().execute("cvm " + from + " -> " + sink.name());
      } catch (Exception e) {
        throw new EngineException(
            "sink '"
                + sink.name()
                + "' ("
                + sink.location()
                + "): the job reading '"
                + from
                + "' failed: "
                + rootMessage(e),
            e);
      }
      return new Collected(columns, types, RecordFileSink.readAndDelete(dir), null);
    }
    return new Collected(columns, types, null, collectOverRest(table, from, sink));
  }

  /**
   * Rows through Flink's collect path (the REST endpoint): for remote clusters, which share no
   * filesystem.
   */
  private static List<Object[]> collectOverRest(Table table, String from, Sink sink) {
    List<Object[]> rows = new ArrayList<>();
    try (CloseableIterator<Row> it = table.execute().collect()) {
      while (it.hasNext()) {
        Row r = it.next();
        Object[] values = new Object[r.getArity()];
        for (int i = 0; i < values.length; i++) {
          values[i] = r.getField(i);
        }
        rows.add(values);
      }
    } catch (Exception e) {
      throw new EngineException(
          "sink '"
              + sink.name()
              + "' ("
              + sink.location()
              + "): the job reading '"
              + from
              + "' failed: "
              + rootMessage(e),
          e);
    }
    return rows;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
