package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.udf.UdfFailures;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Chainbase constructs on the warm embedded cluster: aliases and {@code __proc_time}, a temporal
 * lookup join, the JSON UDFs in SQL, an undecodable row in a running job, and SQL compiled at
 * validation with file positions.
 */
class ChainbaseSqlTest {
  static final String TOKEN = "0x" + "aa".repeat(20);
  static final String OTHER = "0x" + "bb".repeat(20);
  static final LocalDateTime T0 = LocalDateTime.of(2024, 5, 1, 0, 0);

  /** Two ERC-20 transfers of TOKEN and one of OTHER; token_metas knows TOKEN only. */
  static List<Object[]> rows(ChainTable table) {
    List<Object[]> out = new ArrayList<>();
    switch (table) {
      case TOKEN_TRANSFERS -> {
        for (long i = 0; i < 3; i++) {
          out.add(
              new Object[] {
                1L,
                T0,
                "0x0" + i,
                0L,
                i,
                i < 2 ? TOKEN : OTHER,
                "ERC20",
                "0x01",
                "0x02",
                String.valueOf(1000 * (i + 1)),
                null
              });
        }
      }
      case TOKEN_METAS ->
          out.add(
              new Object[] {
                0L, T0, "0xc0", 0L, "0x01", TOKEN, "Token", "TKN", 3L, "1000000", 1L, 0L, 0L, 0L
              });
      case TRANSACTION_LOGS ->
          out.add(
              new Object[] {
                1L,
                T0,
                "0xb1",
                "0x01",
                0L,
                0L,
                TOKEN,
                "0x12",
                "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
                "0x" + "00".repeat(32),
                "0x" + "00".repeat(32),
                null
              });
      default -> {}
    }
    return out;
  }

  static final ManuscriptRunner RUNNER =
      new ManuscriptRunner(FlinkRuntime.embedded(), (chain, table, from, to) -> rows(table));

  static Manuscript parse(String yaml) {
    return new ManuscriptParser(Map.of()).parse("c.yaml", yaml.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void temporalLookupJoinWithChainbaseColumnNames() {
    Manuscript m =
        parse(
            """
            name: trades
            specVersion: v0.1.0
            sources:
              - name: transfers
                type: dataset
                dataset: eth.token_transfers
                filter: erc_type = 'ERC20'
                parallelism: 1
              - name: metas
                type: lookup_dataset
                dataset: eth.token_metas
                cache-rows: 5000
                cache-ttl: 240s
            transforms:
              - name: joined
                sql: >
                  SELECT t.transaction_hash, t.contract_address, t.__proc_time AS seen,
                         tm.`symbol`, Divide(t.`value`, Pow('10', CAST(tm.decimals AS STRING))) AS amount
                  FROM transfers AS t
                  LEFT JOIN metas FOR SYSTEM_TIME AS OF t.__proc_time AS tm
                    ON t.contract_address = tm.contract_address;
            sinks:
              - name: out
                type: dataset
                from: joined
                primary_key: transaction_hash
            """);
    ManuscriptRunner.compile(m);
    CanonicalDataset ds = RUNNER.run(m, RunOptions.range(0, 1)).datasets().get("out");
    assertThat(ds.columns())
        .containsExactly("transaction_hash", "contract_address", "seen", "symbol", "amount");
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < ds.size(); i++) {
      rows.add(java.util.Arrays.asList(ds.row(i)));
    }
    assertThat(rows)
        .containsExactlyInAnyOrder(
            List.of("0x00", TOKEN, T0, "TKN", "1"),
            List.of("0x01", TOKEN, T0, "TKN", "2"),
            java.util.Arrays.asList("0x02", OTHER, T0, null, null));
  }

  @Test
  void jsonUdfsInSql() {
    Manuscript m =
        parse(
            """
            name: j
            specVersion: v0.1.0
            sources:
              - {name: logs, type: dataset, dataset: eth.transaction_logs}
            transforms:
              - name: t
                sql: >
                  SELECT x, ROW_TO_JSON(ROW(address, log_index)) AS r, ARRAY_TO_JSON(ARRAY[topic0, data]) AS a
                  FROM logs CROSS JOIN UNNEST(FROM_JSON('["p","q"]', 'Array<String>')) AS u (x)
            sinks:
              - {name: out, type: dataset, from: t}
            """);
    CanonicalDataset ds = RUNNER.run(m, RunOptions.range(0, 1)).datasets().get("out");
    assertThat(ds.size()).isEqualTo(2);
    Object[] first = ds.row(0);
    assertThat(first[0]).isIn("p", "q");
    assertThat((String) first[1]).startsWith("{\"").contains("\"" + TOKEN + "\"").endsWith(":0}");
    assertThat((String) first[2])
        .isEqualTo(
            "[\"0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef\",\"0x12\"]");
  }

  @Test
  void anUndecodableRowIsNullInARunningJobAndCounted() {
    Manuscript m =
        parse(
            """
            name: d
            specVersion: v0.1.0
            sources:
              - {name: logs, type: dataset, dataset: eth.transaction_logs}
            transforms:
              - name: t
                sql: >
                  SELECT log_index, Decode_Event('{\\"anonymous\\":false,\\"inputs\\":[{\\"indexed\\":true,\\"name\\":\\"from\\",\\"type\\":\\"address\\"},{\\"indexed\\":true,\\"name\\":\\"to\\",\\"type\\":\\"address\\"},{\\"indexed\\":false,\\"name\\":\\"value\\",\\"type\\":\\"uint256\\"}],\\"name\\":\\"Transfer\\",\\"type\\":\\"event\\"}', topic0, topic1, topic2, topic3, data) AS evt
                  FROM logs
            sinks:
              - {name: out, type: dataset, from: t}
            """);
    long before = UdfFailures.total("Decode_Event");
    CanonicalDataset ds = RUNNER.run(m, RunOptions.range(0, 1)).datasets().get("out");
    assertThat(ds.size()).isEqualTo(1);
    assertThat(ds.row(0)[1]).isNull(); // data "0x12" is not a uint256 word
    assertThat(UdfFailures.total("Decode_Event")).isEqualTo(before + 1);
  }

  @Test
  void validationCompilesTheSqlAndPointsIntoTheFile() {
    Manuscript m =
        parse(
            """
            name: v
            specVersion: v0.1.0
            sources:
              - {name: tt, type: dataset, dataset: eth.token_transfers}
            transforms:
              - name: ok
                sql: SELECT contract_address FROM tt
              - name: bad
                sql: >
                  SELECT contract_address,
                         no_such_column
                  FROM ok
            sinks:
              - {name: out, type: postgres, from: ok, database: d, table: t, primary_key: hash}
            """);
    assertThatThrownBy(() -> ManuscriptRunner.compile(m))
        .isInstanceOf(ManuscriptException.class)
        .hasMessageContaining("c.yaml:11:14: transforms[1].sql: transform 'bad' does not compile:")
        .hasMessageContaining("no_such_column")
        // one position, the file's: not Calcite's "From line 2, column 8 to …" besides
        .hasMessageNotContainingAny("line 2", "column 8", "From line");
    Manuscript keyed =
        parse(
            """
            name: v
            specVersion: v0.1.0
            sources:
              - {name: tt, type: dataset, dataset: eth.token_transfers}
            transforms:
              - name: ok
                sql: SELECT contract_address, NoSuchUdf(erc_type) AS x FROM tt
            sinks:
              - {name: out, type: print, from: ok}
            """);
    assertThatThrownBy(() -> ManuscriptRunner.compile(keyed))
        .hasMessageContaining("c.yaml:7:35: transforms[0].sql:")
        .hasMessageContaining("NoSuchUdf")
        .hasMessageNotContainingAny("line 1", "column 35");
    Manuscript syntax =
        parse(
            """
            name: v
            specVersion: v0.1.0
            sources:
              - {name: tt, type: dataset, dataset: eth.token_transfers}
            transforms:
              - name: ok
                sql: SELECT contract_address FROM tt WHERE WHERE
            sinks:
              - {name: out, type: print, from: ok}
            """);
    assertThatThrownBy(() -> ManuscriptRunner.compile(syntax))
        .hasMessageContaining("c.yaml:7:")
        .hasMessageContaining("transforms[0].sql: transform 'ok' does not compile:")
        .hasMessageNotContaining("at line 1");
    // Decode_Event_Field with a literal field no event of the literal ABI has: refused when
    // planned.
    Manuscript field = parse(fieldManuscript("fro"));
    assertThatThrownBy(() -> ManuscriptRunner.compile(field))
        .hasMessageContaining("transforms[0].sql: transform 'ok' does not compile:")
        .hasMessageContaining(
            "Decode_Event_Field: no event of the ABI has a parameter 'fro' (its events:"
                + " Transfer(from, to, value))");
    ManuscriptRunner.compile(parse(fieldManuscript("from"))); // a field it has: compiles
  }

  /** A manuscript selecting {@code field} of the Transfer ABI with Decode_Event_Field. */
  static String fieldManuscript(String field) {
    return """
        name: v
        specVersion: v0.1.0
        sources:
          - {name: logs, type: dataset, dataset: eth.transaction_logs}
        transforms:
          - name: ok
            sql: >
              SELECT Decode_Event_Field('%s', '%s', topic0, topic1, topic2, topic3, data) AS f
              FROM logs
        sinks:
          - {name: out, type: print, from: ok}
        """
        .formatted(ManuscriptRunnerTest.TRANSFER_ABI, field);
  }
}
