package io.cvmavs.cvm.manuscript;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.cvm.manuscript.ManuscriptException.Problem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manuscript fields and constructs of Chainbase's published manuscripts (issue 14 item 2). */
class ChainbaseFieldsTest {
  private final ManuscriptParser parser = new ManuscriptParser(Map.of());

  private Manuscript parse(String yaml) {
    return parser.parse("m.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  private List<Problem> problems(String yaml) {
    try {
      parse(yaml);
    } catch (ManuscriptException e) {
      return e.problems();
    }
    throw new AssertionError("expected the manuscript to be refused:\n" + yaml);
  }

  private static String manuscript(String sources, String sql, String sinks) {
    return """
        name: m
        specVersion: v0.1.0
        sources:
        %s
        transforms:
          - name: t
            sql: >
              %s
        sinks:
        %s
        """
        .formatted(sources.indent(2).stripTrailing(), sql, sinks.indent(2).stripTrailing());
  }

  private static final String PRINT = "- {name: out, type: print, from: t}";

  @Test
  void acceptsChainbaseSourceFields() {
    Manuscript m =
        parse(
            manuscript(
                """
                - name: prices
                  type: tumble_window_dataset
                  dataset: eth.transactions
                  size: INTERVAL '1' HOUR
                  timecol: block_timestamp
                  parallelism: 10
                - name: metas
                  type: lookup_dataset
                  dataset: eth.token_metas
                  parallelism: 1
                  cache-rows: 5000
                  cache-ttl: 240s
                """,
                "SELECT * FROM prices",
                PRINT));
    assertThat(m.sources().get(0).window().orElseThrow().size()).isEqualTo(Duration.ofHours(1));
    assertThat(m.sources().get(0).parallelism()).contains(10);
    assertThat(m.sources().get(1).table()).isEqualTo("token_metas");
    assertThat(ManuscriptParser.parseInterval("INTERVAL '30' MINUTE(2)"))
        .contains(Duration.ofMinutes(30));
    assertThat(ManuscriptParser.parseInterval("interval '2' days")).contains(Duration.ofDays(2));
  }

  @Test
  void refusesCacheFieldsOutsideLookupSourcesAndBadValues() {
    List<Problem> p =
        problems(
            manuscript(
                """
                - name: logs
                  type: dataset
                  dataset: eth.transaction_logs
                  cache-rows: 10
                  parallelism: 0
                """,
                "SELECT * FROM logs",
                PRINT));
    assertThat(p)
        .extracting(Problem::toString)
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("m.yaml:7:17: sources[0].cache-rows:")
                    .contains("applies only to lookup_dataset"))
        .anySatisfy(
            s ->
                assertThat(s)
                    .contains("sources[0].parallelism: must be an integer from 1 to 256, got '0'"));
  }

  @Test
  void refusesDatasetsThatCannotExistWithTheReason() {
    List<Problem> p =
        problems(
            manuscript(
                """
                - {name: sui_tx, type: dataset, dataset: sui.sui_transactions}
                - {name: prices, type: dataset, dataset: token.token_usd_daily}
                """,
                "SELECT * FROM sui_tx",
                PRINT));
    assertThat(p)
        .extracting(Problem::toString)
        .containsExactly(
            "m.yaml:4:44: sources[0].dataset: 'sui.sui_transactions' cannot exist here: sui is not"
                + " an EVM chain: the CVM ingests chains through the EVM JSON-RPC"
                + " (eth_getBlockByNumber, eth_getBlockReceipts), so sui.* datasets cannot be"
                + " ingested",
            "m.yaml:5:44: sources[1].dataset: 'token.token_usd_daily' cannot exist here:"
                + " Chainbase's token price tables (token.*) come from off-chain price feeds, not"
                + " from a chain; the CVM has no source for them and an operator could not attest"
                + " them");
  }

  @Test
  void filesystemSinkTakesChainbaseFileName() {
    Manuscript m =
        parse(
            manuscript(
                "- {name: logs, type: dataset, dataset: eth.blocks}",
                "SELECT * FROM logs",
                "- {name: f, type: filesystem, from: t, file_name: blocks.json}"));
    assertThat(m.sinks().get(0).fileName()).contains("blocks.json");
    assertThat(m.sinks().get(0).path()).isEmpty();
    assertThat(
            problems(
                manuscript(
                    "- {name: logs, type: dataset, dataset: eth.blocks}",
                    "SELECT * FROM logs",
                    "- {name: f, type: filesystem, from: t, file_name: ../x.json}")))
        .extracting(Problem::reason)
        .singleElement()
        .asString()
        .contains("is not a plain file name");
    assertThat(
            problems(
                manuscript(
                    "- {name: logs, type: dataset, dataset: eth.blocks}",
                    "SELECT * FROM logs",
                    "- {name: f, type: filesystem, from: t, file_name: a.json, path: b.json}")))
        .extracting(Problem::reason)
        .containsExactly("give either 'path' or 'file_name'");
  }

  @Test
  void temporalJoinOnALookupSourceBecomesAPlainJoinOfTheSameLength() {
    String sql =
        "SELECT t.block_number, tm.symbol FROM transfers AS t LEFT JOIN metas FOR SYSTEM_TIME"
            + " AS OF t.__proc_time AS tm ON t.token_address = tm.contract_address;";
    Manuscript m =
        parse(
            manuscript(
                """
                - {name: transfers, type: dataset, dataset: eth.token_transfers}
                - {name: metas, type: lookup_dataset, dataset: eth.token_metas}
                """,
                sql,
                PRINT));
    String runnable = m.transforms().get(0).sql();
    assertThat(runnable).doesNotContainIgnoringCase("SYSTEM_TIME").doesNotContain(";");
    assertThat(runnable.length()).isEqualTo(sql.length() + 1); // folded block's final newline
    assertThat(runnable.replaceAll("\\s+", " ").strip())
        .isEqualTo(
            "SELECT t.block_number, tm.symbol FROM transfers AS t LEFT JOIN metas AS tm ON"
                + " t.token_address = tm.contract_address");
  }

  @Test
  void temporalJoinOnAnythingElseIsRefusedNamingTransformAndFeature() {
    List<Problem> p =
        problems(
            manuscript(
                "- {name: transfers, type: dataset, dataset: eth.token_transfers}",
                "SELECT * FROM transfers AS a JOIN transfers FOR SYSTEM_TIME AS OF a.__proc_time"
                    + " AS b ON a.log_index = b.log_index",
                PRINT));
    assertThat(p)
        .extracting(Problem::toString)
        .containsExactly(
            "m.yaml:7:10: transforms[0].sql: temporal join 'transfers FOR SYSTEM_TIME AS OF"
                + " a.__proc_time': FOR SYSTEM_TIME AS OF is supported only on lookup_dataset"
                + " sources ('transfers' is not one)");
  }

  @Test
  void networkUdfsAreRefusedForDatasetSinksOnly() {
    String sources = "- {name: c, type: dataset, dataset: eth.contracts}";
    String sql =
        "SELECT address, GET_TOKEN_META('http://127.0.0.1:8545', address, bytecode) AS m FROM c";
    parse(manuscript(sources, sql, PRINT));
    assertThat(problems(manuscript(sources, sql, "- {name: d, type: dataset, from: t}")))
        .extracting(Problem::reason)
        .singleElement()
        .asString()
        .startsWith("GET_TOKEN_META is a network UDF")
        .contains("dataset sink 'd'");
    assertThat(
            problems(
                manuscript(
                    sources,
                    "SELECT Eth_Call('http://n', address, '0x') AS r FROM c",
                    "- {name: d, type: dataset, from: t}")))
        .extracting(Problem::reason)
        .singleElement()
        .asString()
        .startsWith("ETH_CALL is a network UDF");
  }

  @Test
  void sqlMapPointsIntoTheFoldedBlock() {
    String yaml =
        """
        name: m
        specVersion: v0.1.0
        sources:
          - {name: logs, type: dataset, dataset: eth.transaction_logs}
        transforms:
          - name: t
            sql: >
              SELECT block_number,
                     ${col}
              FROM logs
            params:
              col: log_index
        sinks:
          - {name: out, type: print, from: t}
        """;
    Transform t = parse(yaml).transforms().get(0);
    // "FROM" in the folded SQL is on file line 10, column 7; "log_index" came from ${col} (9:14)
    int from = t.sql().indexOf("FROM");
    assertThat(t.sqlMap().locate(from)).isEqualTo(new Location("m.yaml", 10, 7));
    assertThat(t.sqlMap().locate(t.sql().indexOf("log_index")))
        .isEqualTo(new Location("m.yaml", 9, 14));
    assertThat(t.sqlMap().locate(t.sql().indexOf("block_number")))
        .isEqualTo(new Location("m.yaml", 8, 14));
  }

  @Test
  void aliasesAndProcTimeAreReferencedNames() {
    Manuscript m =
        parse(
            manuscript(
                "- {name: tt, type: dataset, dataset: eth.token_transfers, filter: \"erc_type = 'ERC20'\"}",
                "SELECT contract_address, __proc_time, 'hash' AS s FROM tt",
                PRINT));
    assertThat(m.referencedNames())
        .contains("ERC_TYPE", "CONTRACT_ADDRESS", "__PROC_TIME")
        .doesNotContain("HASH");
  }
}
