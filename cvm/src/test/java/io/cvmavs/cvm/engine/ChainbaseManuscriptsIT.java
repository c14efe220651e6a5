package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.TokenActivity;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.udf.UdfFailures;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chainbase's 11 published manuscripts ({@code ../shared/testdata/chainbase/manuscripts/}, read in
 * place) against data ingested here from a real anvil: every one whose datasets can be ingested
 * from an EVM JSON-RPC endpoint runs, the others are refused at validation with the reason.
 *
 * <p>The files are not edited. The test writes a copy with these substitutions only, each pointing
 * an address, host or path at local infrastructure:
 *
 * <ul>
 *   <li>sink {@code host: postgres} → {@code 127.0.0.1} (the local PostgreSQL, user postgres);
 *   <li>sink {@code database: X} → {@code X_it_<run>}: a database unique to the run (other
 *       worktrees run this test against the same server at the same time), created by the sink
 *       because it is missing, dropped afterwards;
 *   <li>the USDT contract address → the $C token deployed on anvil;
 *   <li>the {@code node} parameter (a public Ethereum RPC URL) → the anvil URL;
 *   <li>filesystem sinks write their {@code file_name} into a temporary output directory (a run
 *       option, not a file edit).
 * </ul>
 *
 * Chain names are labels of the store: anvil's blocks are ingested as {@code ethereum} (with
 * traces, for contracts/trace_calls/token_metas) and as {@code zkevm}. Manuscript 03 keeps only
 * {@code block_number > 100000}; mining that far on anvil takes minutes on these machines (10 000
 * blocks took 3.5 min), so it runs over the ingested range, keeps no row, and its table is created.
 */
@WithAnvil
@TestMethodOrder(MethodOrderer.MethodName.class)
class ChainbaseManuscriptsIT {
  private static final String PG = "jdbc:postgresql://127.0.0.1:5432/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN =
      ProcessHandle.current().pid() + "_" + Long.toHexString(System.nanoTime() & 0xffffff);

  @TempDir static Path dir;
  private static Path manuscripts;
  private static TokenActivity.Result activity;
  private static SegmentStore store;
  private static String rpcUrl;
  private static final Set<String> databases = new TreeSet<>();
  private static final Map<String, String> results = new LinkedHashMap<>();

  @BeforeAll
  static void ingest(AnvilNode anvil) throws Exception {
    manuscripts = testdata().resolve("chainbase/manuscripts");
    rpcUrl = anvil.rpcUrl();
    activity = TokenActivity.run(anvil, 6);
    store = new SegmentStore(dir.resolve("store"));
    Web3jChainSource source = new Web3jChainSource(rpcUrl, Retry.defaults());
    new Ingestor(source, store, "ethereum", 10, 0, 4, line -> {}, System::nanoTime)
        .withTraces()
        .ingest(0, activity.lastBlock());
    new Ingestor(source, store, "zkevm", 10, 0, 4, line -> {}, System::nanoTime)
        .ingest(0, activity.lastBlock());
  }

  @AfterAll
  static void dropDatabasesAndReport() throws Exception {
    try (Connection c = DriverManager.getConnection(PG + "postgres", "postgres", "");
        Statement st = c.createStatement()) {
      for (String db : databases) {
        st.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
      }
    }
    StringBuilder table = new StringBuilder("\n| manuscript | result |\n|---|---|\n");
    results.forEach((k, v) -> table.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    System.out.println(table);
  }

  /** {@code ../shared/testdata} of the project root, looked up through the parent folders. */
  static Path testdata() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared/testdata");
      if (Files.isDirectory(candidate.resolve("chainbase/manuscripts"))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "../shared/testdata not found above " + Path.of("").toAbsolutePath());
  }

  /** The published file with the documented substitutions, parsed and compiled. */
  private static Manuscript load(String file) throws Exception {
    String yaml = Files.readString(manuscripts.resolve(file));
    yaml = yaml.replace("host: postgres", "host: 127.0.0.1");
    yaml = yaml.replace("0xdac17f958d2ee523a2206206994597c13d831ec7", activity.token());
    yaml = yaml.replace("node: https://rpc.ankr.com/eth", "node: " + rpcUrl);
    yaml = yaml.replace("node: https://ethereum-rpc.publicnode.com", "node: " + rpcUrl);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^(\\s+database: )(\\w+)\\s*$").matcher(yaml);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String db = m.group(2) + "_it_" + RUN;
      databases.add(db);
      m.appendReplacement(out, m.group(1) + db);
    }
    m.appendTail(out);
    Path copy = dir.resolve(file);
    Files.writeString(copy, out.toString());
    Manuscript parsed = new ManuscriptParser(Map.of()).parse(copy);
    ManuscriptRunner.compile(parsed);
    return parsed;
  }

  private static String refusal(String file) {
    try {
      load(file);
    } catch (ManuscriptException e) {
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError(file + " was not refused");
  }

  private static RunResult run(Manuscript m, long from, long to, PrintStream print) {
    return new ManuscriptRunner(FlinkRuntime.embedded(), store)
        .run(m, RunOptions.range(from, to).printingTo(print).writingFilesTo(dir.resolve("out")));
  }

  private static List<Map<String, Object>> query(String database, String sql) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(PG + database, "postgres", "");
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static long blocks(long from, long to) {
    return to - from + 1;
  }

  @Test
  void e01_basicPrintsTheBlocks() throws Exception {
    Manuscript m = load("examples_01_basic_manuscript.yaml");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RunResult r =
        run(m, 0, activity.lastBlock(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(r.rowsPerSink()).containsEntry("zkevm_blocks_sink", blocks(0, activity.lastBlock()));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("block_number=" + activity.lastBlock());
    results.put(
        "examples_01_basic",
        "runs: zkevm.blocks → print, " + blocks(0, activity.lastBlock()) + " rows");
  }

  @Test
  void e02_decodesUsdtTransfersWithEscapedAbiIntoPostgres() throws Exception {
    Manuscript m = load("examples_02_contract_evt_decode_manuscript.yaml");
    long failuresBefore = UdfFailures.total("Decode_Event");
    RunResult r = run(m, 0, activity.lastBlock(), System.out);
    int n = activity.transfers().size();
    assertThat(r.rowsPerSink())
        .containsEntry("ethereum_usdt_transfers_evt_decoded_sink_pg", (long) n);
    String db = "ethereum_it_" + RUN;
    List<Map<String, Object>> rows =
        query(db, "SELECT * FROM public.usdt_transfers ORDER BY block_number, log_index");
    assertThat(rows).hasSize(n);
    for (int i = 0; i < n; i++) {
      TokenActivity.Transfer t = activity.transfers().get(i);
      JsonNode evt = JSON.readTree((String) rows.get(i).get("evt"));
      assertThat(rows.get(i).get("transaction_hash")).isEqualTo(t.transactionHash());
      assertThat(evt.get("from").asText()).isEqualTo(t.from());
      assertThat(evt.get("to").asText()).isEqualTo(t.to());
      assertThat(evt.get("value").asText()).isEqualTo(t.value().toString());
    }
    assertThat(UdfFailures.total("Decode_Event")).isEqualTo(failuresBefore);
    results.put(
        "examples_02_contract_evt_decode",
        "runs: Decode_Event with \\\" in a folded block, "
            + n
            + " transfers → postgres (database created)");
  }

  @Test
  void e03_filteredBlocksIntoPostgres() throws Exception {
    Manuscript m = load("examples_03_postgres_manuscript.yaml");
    RunResult r = run(m, 0, activity.lastBlock(), System.out);
    assertThat(r.rowsPerSink()).containsEntry("zkevm_blocks_sink_pg", 0L);
    assertThat(
            query(
                "zkevm_it_" + RUN,
                "SELECT count(*) AS n FROM public.blocks WHERE block_number > 100000"))
        .singleElement()
        .satisfies(row -> assertThat(row.get("n")).isEqualTo(0L));
    results.put(
        "examples_03_postgres",
        "runs: filter block_number > 100000 keeps none of anvil's blocks; table created in a created database");
  }

  @Test
  void e04_rawDataToDebeziumJsonFiles() throws Exception {
    Manuscript m = load("examples_04_sync_rawdata_to_file_manuscript.yaml");
    RunResult r = run(m, 0, activity.lastBlock(), System.out);
    Map<ChainTable, List<Object[]>> stored = store.readAll("zkevm", 0, activity.lastBlock());
    Path out = dir.resolve("out");
    for (var e :
        Map.of(
                "blocks.json", ChainTable.BLOCKS,
                "transactions.json", ChainTable.TRANSACTIONS,
                "transaction_logs.json", ChainTable.TRANSACTION_LOGS)
            .entrySet()) {
      List<String> lines = Files.readAllLines(out.resolve(e.getKey()));
      assertThat(lines).hasSize(stored.get(e.getValue()).size());
      JsonNode first = JSON.readTree(lines.get(0));
      assertThat(first.get("op").asText()).isEqualTo("c");
      assertThat(first.get("before").isNull()).isTrue();
      assertThat(first.get("after").has("block_number")).isTrue();
    }
    assertThat(r.rowsPerSink()).hasSize(3);
    results.put(
        "examples_04_sync_rawdata_to_file",
        "runs: 3 filesystem sinks (file_name, debezium-json), parallelism 3");
  }

  @Test
  void e05_rawDataToPostgresWithChainbaseColumnNames() throws Exception {
    Manuscript m = load("examples_05_sync_rawdata_to_postgres_manuscript.yaml");
    RunResult r = run(m, 0, activity.lastBlock(), System.out);
    Map<ChainTable, List<Object[]>> stored = store.readAll("zkevm", 0, activity.lastBlock());
    String db = "zkevm_it_" + RUN;
    assertThat(query(db, "SELECT count(*) AS n FROM public.transactions").get(0).get("n"))
        .isEqualTo((long) stored.get(ChainTable.TRANSACTIONS).size());
    assertThat(query(db, "SELECT hash, transaction_hash FROM public.transactions"))
        .allSatisfy(row -> assertThat(row.get("hash")).isEqualTo(row.get("transaction_hash")));
    assertThat(query(db, "SELECT count(*) AS n FROM public.transaction_logs").get(0).get("n"))
        .isEqualTo((long) stored.get(ChainTable.TRANSACTION_LOGS).size());
    assertThat(r.rowsPerSink()).hasSize(3);
    results.put(
        "examples_05_sync_rawdata_to_postgres",
        "runs: transactions keyed by Chainbase's `hash` (alias)");
  }

  @Test
  void e06_tokenPricesAreRefused() {
    assertThat(refusal("examples_06_token_prices_with_AI_manuscript.yaml"))
        .contains("sources[0].dataset")
        .contains("'token.token_usd_daily' cannot exist here")
        .contains("off-chain price feeds");
    results.put(
        "examples_06_token_prices_with_AI",
        "refused at validate: token.* price tables have no chain source");
  }

  @Test
  void e07_tokenMetasFromContractsIntoPostgres() throws Exception {
    tokenMetas(
        "examples_07_token_metas_to_postgres_manuscript.yaml",
        "examples_07_token_metas_to_postgres");
  }

  @Test
  void e08_brokenSqlIsRefusedWithTheTransformLineAndColumn() {
    String message = refusal("examples_08_erc20_transfer_manuscript.yaml");
    // The published SQL has a comma before FROM and "WHERE AND": the first is reported.
    assertThat(message)
        .contains("examples_08_erc20_transfer_manuscript.yaml:")
        .contains("transforms[0].sql")
        .contains("transform 'ethereum_erc20_transfers_decoded' does not compile");
    assertThat(message).containsPattern("yaml:(2[0-9]):\\d+: transforms\\[0\\]\\.sql");
    results.put(
        "examples_08_erc20_transfer",
        "refused at validate: its SQL does not parse ("
            + message.lines().skip(1).findFirst().orElse("").strip()
            + ")");
  }

  @Test
  void onchainTradesIsRefusedForItsPriceSourceOnly() {
    String message = refusal("manuscripts_ethereum_onchain_trades_onchain_trades.yaml");
    assertThat(message)
        .contains("'token.token_prices_append' cannot exist here")
        .startsWith("manuscript refused:"); // one problem: every other field is accepted
    results.put(
        "ethereum_onchain_trades",
        "refused at validate: token.token_prices_append (price feed); its other features (trace_calls, token_metas lookup with cache-rows/ttl, FOR SYSTEM_TIME AS OF, __proc_time, erc_type, INTERVAL '1' HOUR, per-source parallelism) are accepted");
  }

  @Test
  void productionTokenMetasIntoPostgres() throws Exception {
    tokenMetas("manuscripts_ethereum_token_metas_token_metas.yaml", "ethereum_token_metas");
  }

  @Test
  void suiIsRefused() {
    assertThat(refusal("manuscripts_sui_MoveCall_move_call.yaml"))
        .contains("'sui.sui_transactions' cannot exist here: sui is not an EVM chain");
    results.put("sui_MoveCall", "refused at validate: sui is not an EVM chain");
  }

  private void tokenMetas(String file, String label) throws Exception {
    Manuscript m = load(file);
    RunResult r = run(m, 0, activity.lastBlock(), System.out);
    List<Object[]> contracts =
        store.read("ethereum", ChainTable.CONTRACTS, 0, activity.lastBlock());
    long distinct = contracts.stream().map(c -> c[6]).distinct().count();
    // anvil's debug_traceBlockByNumber: one top-level frame per transaction, and the token's
    // creation among the contracts with its runtime code
    List<Object[]> calls = store.read("ethereum", ChainTable.TRACE_CALLS, 0, activity.lastBlock());
    assertThat(calls.stream().filter(c -> "".equals(c[4])).count())
        .isEqualTo(store.read("ethereum", ChainTable.TRANSACTIONS, 0, activity.lastBlock()).size());
    assertThat(contracts)
        .filteredOn(c -> activity.token().equals(c[6]))
        .singleElement()
        .satisfies(c -> assertThat((String) c[7]).startsWith("0x60").hasSizeGreaterThan(1000));
    assertThat(r.rowsPerSink())
        .containsEntry("ethereum_token_metas_sink_pg", (long) contracts.size());
    List<Map<String, Object>> token =
        query(
            "ethereum_it_" + RUN,
            "SELECT * FROM public.token_metas WHERE contract_address = '" + activity.token() + "'");
    assertThat(token)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.get("symbol")).isNotNull();
              assertThat(row.get("decimals")).isEqualTo(18);
              assertThat(row.get("is_erc20")).isEqualTo(1);
              assertThat(row.get("is_erc721")).isEqualTo(0);
            });
    results.put(
        label,
        "runs: ethereum.contracts ("
            + distinct
            + " contracts, from traces) + GET_TOKEN_META → postgres");
  }
}
