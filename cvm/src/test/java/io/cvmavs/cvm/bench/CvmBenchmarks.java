package io.cvmavs.cvm.bench;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.engine.RunResult;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.RowExtractor;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.ingest.TokenActivity;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.udf.AbiCodec;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.AnvilOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Measurement harness for docs/BENCHMARKS.md ("## cvm"). Not a test. Each benchmark runs warm-up
 * rounds, then reports the best and the median of the measured rounds. Run with {@code cvm/bench.sh
 * [merkle|decode|block|flink|parquet|ingest|records|all]}.
 */
public final class CvmBenchmarks {
  static final String ABI =
      "{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"name\":\"from\",\"type\":\"address\"},"
          + "{\"indexed\":true,\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"name\":\"value\","
          + "\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"}";
  static final String TOKEN = "0x" + "aa".repeat(20);

  private CvmBenchmarks() {}

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      // the embedded Flink cluster's threads would otherwise keep the JVM alive after a failure
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  static void run(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    System.out.printf(
        "cvm benchmarks on %d cores, %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.version());
    if (which.equals("merkle") || which.equals("all")) {
      merkle();
    }
    if (which.equals("decode") || which.equals("all")) {
      decode();
    }
    if (which.equals("block") || which.equals("all")) {
      block();
    }
    if (which.equals("flink") || which.equals("all")) {
      flink(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
    }
    if (which.equals("parquet") || which.equals("all")) {
      parquet(args.length > 1 && !which.equals("all") ? Integer.parseInt(args[1]) : 1_000_000);
    }
    if (which.equals("ingest") || which.equals("all")) {
      ingest(args.length > 2 ? Integer.parseInt(args[2]) : 300);
    }
    if (which.equals("records") || which.equals("all")) {
      io.cvmavs.cvm.http.RecordPagesBench.run(
          args.length > 1 && !which.equals("all") ? Integer.parseInt(args[1]) : 300);
    }
    if (which.equals("stream")) { // not in "all": needs anvil and PostgreSQL
      StreamLatency.run(
          args.length > 1 ? Integer.parseInt(args[1]) : 60,
          args.length > 2 ? Long.parseLong(args[2]) : 1000,
          args.length > 3 ? Integer.parseInt(args[3]) : 0);
    }
  }

  public interface Body {
    void run() throws Exception;
  }

  /** The best wall-clock and the best process-CPU time of a benchmark's measured rounds. */
  public record Timing(long wallNanos, long cpuNanos) {
    double perCpuSecond(long units) {
      return units / (cpuNanos / 1e9);
    }
  }

  public static Timing measure(
      String name, int warmups, int rounds, long units, String unit, Body body) throws Exception {
    for (int i = 0; i < warmups; i++) {
      body.run();
    }
    List<Long> nanos = new ArrayList<>();
    List<Long> cpu = new ArrayList<>();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long gcBefore = gcMillis();
    for (int i = 0; i < rounds; i++) {
      long c = os.getProcessCpuTime();
      long t = System.nanoTime();
      body.run();
      nanos.add(System.nanoTime() - t);
      cpu.add(os.getProcessCpuTime() - c);
    }
    long gcPerRound = (gcMillis() - gcBefore) / rounds;
    nanos.sort(null);
    cpu.sort(null);
    double best = nanos.get(0) / 1e6;
    double median = nanos.get(nanos.size() / 2) / 1e6;
    Timing timing = new Timing(nanos.get(0), cpu.get(0));
    System.out.printf(
        "%-52s best %8.1f ms  median %8.1f ms  cpu %8.1f ms  (%,.0f %s/s at best, %,.0f %s per"
            + " CPU-s; GC %d ms/round; load %.1f)%n",
        name,
        best,
        median,
        cpu.get(0) / 1e6,
        units / (best / 1000.0),
        unit,
        timing.perCpuSecond(units),
        unit,
        gcPerRound,
        os.getSystemLoadAverage());
    return timing;
  }

  /** Collection time of every collector so far (G1's pauses and concurrent cycles). */
  static long gcMillis() {
    long ms = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /** Transfer-shaped records: (transaction_hash, log_index, block_number, from, to, amount). */
  public static List<Object[]> transferRows(int n, long seed) {
    Random r = new Random(seed);
    HexFormat hex = HexFormat.of();
    List<Object[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] h = new byte[32];
      r.nextBytes(h);
      byte[] a = new byte[20];
      r.nextBytes(a);
      rows.add(
          new Object[] {
            "0x" + hex.formatHex(h),
            (long) (i % 200),
            (long) (i / 200),
            "0x" + hex.formatHex(a),
            TOKEN,
            Long.toString(r.nextLong() & Long.MAX_VALUE)
          });
    }
    return rows;
  }

  static void merkle() throws Exception {
    List<Object[]> rows = transferRows(1_000_000, 1);
    List<byte[]> records = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      records.add(CanonicalEncoding.encode(row));
    }
    measure(
        "merkle root, 1M canonical records (~190 B)",
        2,
        5,
        1_000_000,
        "records",
        () -> DatasetMerkleTree.ofRecords(records).root());
    measure(
        "encode + sort + root, 1M rows (CanonicalDataset)",
        1,
        3,
        1_000_000,
        "rows",
        () ->
            CanonicalDataset.of(
                    List.of(
                        "transaction_hash",
                        "log_index",
                        "block_number",
                        "from_address",
                        "to_address",
                        "amount"),
                    List.of("transaction_hash", "log_index"),
                    rows)
                .root());
  }

  /** Transfer logs as (topic0, topic1, topic2, data), ABI-encoded as a token emits them. */
  static List<String[]> logs(int n) {
    Random r = new Random(2);
    HexFormat hex = HexFormat.of();
    List<String[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] a = new byte[20];
      byte[] b = new byte[20];
      r.nextBytes(a);
      r.nextBytes(b);
      out.add(
          new String[] {
            RowExtractor.TRANSFER_TOPIC,
            "0x" + "0".repeat(24) + hex.formatHex(a),
            "0x" + "0".repeat(24) + hex.formatHex(b),
            String.format("0x%064x", r.nextLong() & Long.MAX_VALUE)
          });
    }
    return out;
  }

  static void decode() throws Exception {
    List<String[]> logs = logs(1_000_000);
    AbiCodec codec = new AbiCodec(ABI);
    measure(
        "Decode_Event (AbiCodec), 1M Transfer logs, 1 thread",
        1,
        3,
        1_000_000,
        "logs",
        () -> {
          long n = 0;
          for (String[] l : logs) {
            n += codec.decodeEvent(l[0], l[1], l[2], null, l[3]).orElseThrow().length();
          }
          if (n == 0) {
            throw new IllegalStateException();
          }
        });
    measure(
        "Decode_Event_Field (AbiCodec) x3: from, to, value",
        3, // its first rounds run code the JSON rounds above deoptimised: warm it up longer
        3,
        1_000_000,
        "logs",
        () -> {
          long n = 0;
          for (String[] l : logs) {
            for (String f : new String[] {"from", "to", "value"}) {
              n += codec.decodeEventField(f, l[0], l[1], l[2], null, l[3]).orElseThrow().length();
            }
          }
          if (n == 0) {
            throw new IllegalStateException();
          }
        });
  }

  static void block() throws Exception {
    List<Object[]> rows = transferRows(20_000, 3);
    CvmBlockBuilder builder = new CvmBlockBuilder();
    SourceCommitment source = SourceCommitment.of("eth", 0, 99, Map.of());
    measure(
        "CVM block: 100 blocks x 200 logs, build + prove all",
        3,
        5,
        20_000,
        "records",
        () -> {
          CanonicalDataset ds =
              CanonicalDataset.of(
                  List.of(
                      "transaction_hash",
                      "log_index",
                      "block_number",
                      "from_address",
                      "to_address",
                      "amount"),
                  List.of("transaction_hash", "log_index"),
                  rows);
          CvmBlock b =
              builder.build(Optional.empty(), new byte[32], source, Map.of("transfers", ds), 0);
          byte[] hash = b.hash();
          for (int i = 0; i < ds.size(); i++) {
            b.prove("transfers", i).verify(hash);
          }
        });
  }

  static void flink(int n) throws Exception {
    Path dir = Files.createTempDirectory("cvm-bench-flink");
    SegmentStore store = new SegmentStore(dir);
    int perBlock = 200;
    int blocks = n / perBlock;
    List<String[]> logs = logs(n);
    Random r = new Random(4);
    HexFormat hex = HexFormat.of();
    long t0 = System.nanoTime();
    List<Object[]> allRows = new ArrayList<>(n);
    for (int a = 0; a < blocks; a += 500) {
      int b = Math.min(blocks - 1, a + 499);
      List<Object[]> rows = new ArrayList<>();
      for (int blk = a; blk <= b; blk++) {
        LocalDateTime ts = LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(12L * blk);
        for (int i = 0; i < perBlock; i++) {
          String[] l = logs.get(blk * perBlock + i);
          byte[] tx = new byte[32];
          r.nextBytes(tx);
          rows.add(
              new Object[] {
                (long) blk,
                ts,
                "0x00",
                "0x" + hex.formatHex(tx),
                (long) i,
                (long) i,
                TOKEN,
                l[3],
                l[0],
                l[1],
                l[2],
                null
              });
        }
      }
      allRows.addAll(rows);
      Map<ChainTable, List<Object[]>> tables = new EnumMap<>(ChainTable.class);
      tables.put(ChainTable.TRANSACTION_LOGS, rows);
      store.write("bench", a, b, "0x" + a, "0x" + (b + 1), tables);
    }
    System.out.printf("  (stored %,d logs in %.1f s)%n", n, (System.nanoTime() - t0) / 1e9);
    // The JSON formulation (Decode_Event + JSON_VALUE, as Chainbase's manuscripts read fields) and
    // the typed one (Decode_Event_Field: no JSON); both give the same rows, checked below.
    String jsonYaml =
        """
        name: erc20_decode
        specVersion: v1.0.0
        sources:
          - {name: logs, type: dataset, dataset: bench.transaction_logs, filter: "address = '%s'"}
        transforms:
          - name: transfers
            sql: >
              SELECT transaction_hash, log_index, block_number,
                     JSON_VALUE(e, '$.from') AS from_address, JSON_VALUE(e, '$.to') AS to_address,
                     JSON_VALUE(e, '$.value') AS amount
              FROM (SELECT *, Decode_Event('%s', topic0, topic1, topic2, topic3, data) AS e FROM logs)
        sinks:
          - {name: out, type: dataset, from: transfers, primary_key: "transaction_hash,log_index"}
        """
            .formatted(TOKEN, ABI);
    String fieldYaml =
        """
        name: erc20_decode
        specVersion: v1.0.0
        sources:
          - {name: logs, type: dataset, dataset: bench.transaction_logs, filter: "address = '%1$s'"}
        transforms:
          - name: transfers
            sql: >
              SELECT transaction_hash, log_index, block_number,
                     Decode_Event_Field('%2$s', 'from', topic0, topic1, topic2, topic3, data)
                       AS from_address,
                     Decode_Event_Field('%2$s', 'to', topic0, topic1, topic2, topic3, data)
                       AS to_address,
                     Decode_Event_Field('%2$s', 'value', topic0, topic1, topic2, topic3, data)
                       AS amount
              FROM logs
        sinks:
          - {name: out, type: dataset, from: transfers, primary_key: "transaction_hash,log_index"}
        """
            .formatted(TOKEN, ABI);
    // -Dcvm.bench.formulation=json measures the JSON formulation instead
    boolean json = System.getProperty("cvm.bench.formulation", "field").equals("json");
    String yaml = json ? jsonYaml : fieldYaml;
    System.out.println(
        "  manuscript: "
            + (json ? "Decode_Event + 3x JSON_VALUE" : "3x Decode_Event_Field (typed, no JSON)"));
    Manuscript m =
        new ManuscriptParser(Map.of()).parse("bench.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    ManuscriptRunner runner = new ManuscriptRunner(FlinkRuntime.embedded(), store);
    if (Boolean.getBoolean("cvm.bench.breakdown")) {
      // Where the JSON formulation's time goes: without JSON_VALUE, and without decoding at all.
      String noJsonValue =
          jsonYaml
              .replace("JSON_VALUE(e, '$.from')", "Json_Get(e, 'from')")
              .replace("JSON_VALUE(e, '$.to')", "Json_Get(e, 'to')")
              .replace("JSON_VALUE(e, '$.value')", "Json_Get(e, 'value')");
      String noDecode =
          jsonYaml.replace(
              "Decode_Event('%s', topic0, topic1, topic2, topic3, data)".formatted(ABI), "data");
      for (String[] variant :
          new String[][] {
            {"Json_Get instead of JSON_VALUE", noJsonValue}, {"no decode, no JSON", noDecode}
          }) {
        Manuscript v =
            new ManuscriptParser(Map.of())
                .parse("bench.yaml", variant[1].getBytes(StandardCharsets.UTF_8));
        measure(
            "  variant: " + variant[0] + ", p=1",
            1,
            2,
            n,
            "rows",
            () -> runner.run(v, RunOptions.range(0, blocks - 1).withParallelism(1)));
      }
    }
    measure(
        "Flink job fixed cost: same manuscript, 1 block (200 logs), p=1",
        2,
        3,
        perBlock,
        "rows",
        () -> runner.run(m, RunOptions.range(0, 0).withParallelism(1)));
    Map<Integer, Timing> flink = new java.util.TreeMap<>();
    byte[] flinkRoot = null;
    for (int p : new int[] {1, 2}) {
      int parallelism = p;
      flink.put(
          p,
          measure(
              "Flink ERC-20 decode manuscript, " + n / 1000 + "k logs, p=" + p + " (+root)",
              1,
              Integer.getInteger("cvm.bench.rounds", 2),
              n,
              "rows",
              () -> {
                RunResult result =
                    runner.run(m, RunOptions.range(0, blocks - 1).withParallelism(parallelism));
                if (result.rowsPerSink().get("out") != n) {
                  throw new IllegalStateException(
                      "expected " + n + " rows, got " + result.rowsPerSink());
                }
              }));
    }
    Manuscript other =
        new ManuscriptParser(Map.of())
            .parse("bench.yaml", (json ? fieldYaml : jsonYaml).getBytes(StandardCharsets.UTF_8));
    int pairs = Integer.getInteger("cvm.bench.interleave", 0);
    if (pairs > 0) {
      // A/B in one JVM: the JSON and the typed formulation alternately, p=1, one round each.
      Manuscript jsonM = json ? m : other;
      Manuscript fieldM = json ? other : m;
      List<Long> jsonCpu = new ArrayList<>();
      List<Long> fieldCpu = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        jsonCpu.add(
            measure(
                    "  A/B " + (i + 1) + ": Decode_Event + 3x JSON_VALUE, p=1",
                    0,
                    1,
                    n,
                    "rows",
                    () -> runner.run(jsonM, RunOptions.range(0, blocks - 1).withParallelism(1)))
                .cpuNanos());
        fieldCpu.add(
            measure(
                    "  A/B " + (i + 1) + ": 3x Decode_Event_Field, p=1",
                    0,
                    1,
                    n,
                    "rows",
                    () -> runner.run(fieldM, RunOptions.range(0, blocks - 1).withParallelism(1)))
                .cpuNanos());
      }
      jsonCpu.sort(null);
      fieldCpu.sort(null);
      System.out.printf(
          "interleaved A/B, %,d logs, p=1, %d pairs: JSON CPU best %.2f s median %.2f s (%,.0f rows"
              + " per CPU-s at median); typed best %.2f s median %.2f s (%,.0f); median ratio"
              + " %.2f%n",
          n,
          pairs,
          jsonCpu.get(0) / 1e9,
          jsonCpu.get(pairs / 2) / 1e9,
          n / (jsonCpu.get(pairs / 2) / 1e9),
          fieldCpu.get(0) / 1e9,
          fieldCpu.get(pairs / 2) / 1e9,
          n / (fieldCpu.get(pairs / 2) / 1e9),
          (double) jsonCpu.get(pairs / 2) / fieldCpu.get(pairs / 2));
    }
    if (!Boolean.parseBoolean(System.getProperty("cvm.bench.duckdb", "true"))) {
      return;
    }
    flinkRoot = runner.run(m, RunOptions.range(0, blocks - 1).withParallelism(1)).datasetRoot();
    byte[] otherRoot =
        runner.run(other, RunOptions.range(0, blocks - 1).withParallelism(1)).datasetRoot();
    if (!java.util.Arrays.equals(otherRoot, flinkRoot)) {
      throw new IllegalStateException(
          "the JSON and the typed formulation give different roots: 0x"
              + HexFormat.of().formatHex(otherRoot)
              + " and 0x"
              + HexFormat.of().formatHex(flinkRoot));
    }
    System.out.println("  the JSON and the typed formulation give the same root (checked)");
    Map<String, Timing> duck = DuckDbSideBySide.run(allRows, TOKEN, n, dir, flinkRoot);
    System.out.printf("side by side, %,d logs (rows per CPU-second; ratio = Flink / DuckDB):%n", n);
    for (Map.Entry<Integer, Timing> f : flink.entrySet()) {
      for (Map.Entry<String, Timing> d : duck.entrySet()) {
        System.out.printf(
            "  Flink p=%d %,9.0f vs DuckDB %-26s %,9.0f  ratio %.2f%n",
            f.getKey(),
            f.getValue().perCpuSecond(n),
            d.getKey(),
            d.getValue().perCpuSecond(n),
            f.getValue().perCpuSecond(n) / d.getValue().perCpuSecond(n));
      }
    }
  }

  /**
   * Lakehouse tables: {@code n} transaction_logs rows (200 per block, partitions of 100 blocks)
   * written as Parquet partitions and read back ({@link io.cvmavs.cvm.lake.ParquetTables}).
   */
  static void parquet(int n) throws Exception {
    io.cvmavs.cvm.ingest.ChainTable table = io.cvmavs.cvm.ingest.ChainTable.TRANSACTION_LOGS;
    Random r = new Random(3);
    HexFormat hex = HexFormat.of();
    List<Object[]> rows = new ArrayList<>(n);
    java.time.LocalDateTime genesis = java.time.LocalDateTime.of(2024, 5, 1, 0, 0);
    for (int i = 0; i < n; i++) {
      long block = i / 200;
      byte[] w = new byte[32];
      r.nextBytes(w);
      String word = "0x" + hex.formatHex(w);
      rows.add(
          new Object[] {
            block,
            genesis.plusSeconds(12 * block),
            "0x" + Long.toHexString(block),
            word,
            (long) (i % 200),
            (long) (i % 200),
            TOKEN,
            word,
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
            word,
            word,
            null
          });
    }
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cvm-parquet-bench-");
    io.cvmavs.cvm.lake.ParquetTables tables = new io.cvmavs.cvm.lake.ParquetTables(dir);
    long lastBlock = (n - 1) / 200;
    measure(
        String.format("Parquet write, %,d transaction_logs rows", n),
        1,
        3,
        n,
        "rows",
        () -> {
          for (long a = 0; a <= lastBlock; a += 100) {
            long from = a;
            long to = Math.min(lastBlock, a + 99);
            tables.write(
                "eth",
                table,
                from,
                to,
                rows.subList((int) (from * 200), (int) Math.min(n, (to + 1) * 200)));
          }
        });
    measure(
        String.format("Parquet read, %,d transaction_logs rows", n),
        1,
        3,
        n,
        "rows",
        () -> {
          if (tables.rows("eth", table, 0, lastBlock).size() != n) {
            throw new IllegalStateException("rows lost");
          }
        });
  }

  static void ingest(int transfers) throws Exception {
    try (AnvilNode anvil = AnvilNode.start(AnvilOptions.defaults())) {
      TokenActivity.Result activity = TokenActivity.run(anvil, transfers);
      long last = activity.lastBlock();
      for (int round = 0; round < 3; round++) {
        Path dir = Files.createTempDirectory("cvm-bench-ingest");
        SegmentStore store = new SegmentStore(dir);
        Ingestor ingestor =
            new Ingestor(
                new Web3jChainSource(anvil.web3j(), Retry.defaults()),
                store,
                "anvil",
                100,
                0,
                4,
                line -> {},
                System::nanoTime);
        Ingestor.Report report = ingestor.ingest(0, last);
        System.out.printf(
            "%-48s %9.1f ms  (%,.0f rows/s, %,.0f blocks/s; %d blocks, %d rows)%n",
            "ingest from anvil (round " + (round + 1) + ")",
            report.elapsed().toNanos() / 1e6,
            report.rowsWritten() / (report.elapsed().toNanos() / 1e9),
            report.blocksFetched() / (report.elapsed().toNanos() / 1e9),
            report.blocksFetched(),
            report.rowsWritten());
      }
    }
  }
}
