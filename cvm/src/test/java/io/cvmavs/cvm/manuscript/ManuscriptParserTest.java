package io.cvmavs.cvm.manuscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.manuscript.ManuscriptException.Problem;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class ManuscriptParserTest {
  private final ManuscriptParser parser =
      new ManuscriptParser(Map.of("PGUSER", "postgres", "TOKEN", "unused"));

  static Path resource(String name) {
    try {
      return Path.of(ManuscriptParserTest.class.getResource("/manuscripts/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<Problem> problems(String yaml) {
    try {
      parser.parse("m.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    } catch (ManuscriptException e) {
      return e.problems();
    }
    throw new AssertionError("expected the manuscript to be refused:\n" + yaml);
  }

  private static final String VALID_HEAD =
      """
      name: m
      specVersion: v1.0.0
      sources:
        - name: logs
          type: dataset
          dataset: eth.transaction_logs
      """;

  @Test
  void parsesTheErc20Manuscript() {
    Manuscript m = parser.parse(resource("erc20_transfers.yaml"));
    assertThat(m.name()).isEqualTo("erc20_transfers");
    assertThat(m.parallelism()).isEqualTo(2);
    assertThat(m.sources())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.type()).isEqualTo(SourceType.DATASET);
              assertThat(s.chain()).isEqualTo("anvil");
              assertThat(s.table()).isEqualTo("transaction_logs");
              assertThat(s.filter()).get().asString().contains("${TOKEN}");
            });
    assertThat(m.transforms()).extracting(Transform::name).containsExactly("decoded", "transfers");
    assertThat(m.transforms().get(0).sql())
        .contains("Decode_Event('{\"anonymous\":false")
        .doesNotContain("${abi}");
    Sink pg = m.sinks().get(0);
    assertThat(pg.type()).isEqualTo(SinkType.POSTGRES);
    assertThat(pg.primaryKey()).containsExactly("transaction_hash", "log_index");
    assertThat(pg.config()).get().isEqualTo(new Sink.Connection("127.0.0.1", 5432, "postgres", ""));
    assertThat(pg.location().line()).isEqualTo(26);
    assertThat(m.datasetSinks())
        .singleElement()
        .satisfies(
            d -> assertThat(d.primaryKey()).containsExactly("transaction_hash", "log_index"));
    assertThat(m.hash()).isEqualTo(Hash.sha3(readBytes(resource("erc20_transfers.yaml"))));
  }

  private static byte[] readBytes(Path p) {
    try {
      return java.nio.file.Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void parsesEverySourceAndSinkType() {
    Manuscript m = parser.parse(resource("every_type.yaml"));
    assertThat(m.parallelism()).isEqualTo(1);
    assertThat(m.sources())
        .extracting(Source::type)
        .containsExactly(
            SourceType.DATASET,
            SourceType.TUMBLE_WINDOW_DATASET,
            SourceType.HOP_WINDOW_DATASET,
            SourceType.CUMULATIVE_WINDOW_DATASET,
            SourceType.LOOKUP_DATASET);
    assertThat(m.source("hourly").orElseThrow().window())
        .contains(
            new Window("block_timestamp", Duration.ofHours(1), Optional.empty(), Optional.empty()));
    assertThat(m.source("sliding").orElseThrow().window().orElseThrow().slide())
        .contains(Duration.ofMinutes(5));
    assertThat(m.source("growing").orElseThrow().window().orElseThrow().step())
        .contains(Duration.ofMinutes(15));
    assertThat(m.sinks())
        .extracting(Sink::type)
        .containsExactly(SinkType.PRINT, SinkType.FILESYSTEM);
    assertThat(m.sinks().get(1).path()).contains("/tmp/blocks.jsonl");
  }

  @Test
  void unknownFieldsAreRefusedWithLineColumnAndPath() {
    List<Problem> p =
        problems(
            VALID_HEAD
                + """
          fliter: "block_number > 1"
      sinks:
        - name: out
          type: print
          from: logs
          colour: red
      """);
    assertThat(p).hasSize(2);
    assertThat(p.get(0).toString())
        .isEqualTo(
            "m.yaml:7:5: sources[0].fliter: unknown field 'fliter' (allowed: [cache-rows, cache-ttl, dataset, filter, name, parallelism, size, slide, step, timecol, type])");
    assertThat(p.get(1).line()).isEqualTo(12);
    assertThat(p.get(1).field()).isEqualTo("sinks[0].colour");
  }

  @Test
  void malformedYamlNamesTheLine() {
    List<Problem> p = problems("name: m\nsources:\n  - name: [unclosed\n");
    assertThat(p)
        .singleElement()
        .satisfies(
            pr -> {
              assertThat(pr.reason()).startsWith("malformed YAML");
              assertThat(pr.line()).isEqualTo(4);
            });
    assertThat(problems(""))
        .singleElement()
        .satisfies(pr -> assertThat(pr.reason()).contains("empty"));
    assertThat(problems("- a\n- b\n"))
        .singleElement()
        .satisfies(pr -> assertThat(pr.reason()).contains("expected a mapping"));
  }

  @Test
  void duplicateKeysAreRefused() {
    List<Problem> p = problems("name: a\nname: b\nspecVersion: v1.0.0\nsources: []\nsinks: []\n");
    assertThat(p).extracting(Problem::reason).anySatisfy(r -> assertThat(r).contains("duplicate"));
  }

  @Test
  void missingAndBadValuesAreEachReported() {
    List<Problem> p =
        problems(
            """
        name: 9lives
        specVersion: v2
        parallelism: zero
        sources:
          - name: a
            type: stream
            dataset: eth.receipts
          - name: A
            type: dataset
            dataset: eth.blocks
        transforms:
          - name: t
        sinks:
          - name: s
            type: postgres
            from: nowhere
        """);
    assertThat(p)
        .extracting(Problem::toString)
        .containsExactlyInAnyOrder(
            "m.yaml:1:7: name: '9lives' is not a SQL identifier ([A-Za-z_][A-Za-z0-9_]*)",
            "m.yaml:2:14: specVersion: unsupported spec version 'v2' (supported: [v0.1.0, v1.0.0])",
            "m.yaml:3:14: parallelism: must be an integer from 1 to 256, got 'zero'",
            "m.yaml:6:11: sources[0].type: unknown source type 'stream' (expected one of [dataset, tumble_window_dataset, hop_window_dataset, cumulative_window_dataset, lookup_dataset])",
            "m.yaml:7:14: sources[0].dataset: expected <chain>.<table> with table one of [blocks, contracts, token_metas, token_transfers, trace_calls, transaction_logs, transactions], got 'eth.receipts'",
            "m.yaml:8:11: sources[1].name: the name 'A' is already used by another source or transform (names are case-insensitive in SQL)",
            "m.yaml:12:5: transforms[0].sql: missing required field 'sql'",
            "m.yaml:16:11: sinks[0].from: 'nowhere' is neither a source nor a transform of this manuscript",
            "m.yaml:14:5: sinks[0].database: missing required field 'database' for a postgres sink",
            "m.yaml:14:5: sinks[0].table: missing required field 'table' for a postgres sink",
            "m.yaml:14:5: sinks[0].primary_key: missing required field 'primary_key': a postgres sink upserts by it");
  }

  @Test
  void windowFieldsMustFitTheSourceType() {
    List<Problem> p =
        problems(
            """
        name: m
        specVersion: v1.0.0
        sources:
          - name: a
            type: dataset
            dataset: eth.blocks
            size: 1 hour
          - name: b
            type: hop_window_dataset
            dataset: eth.blocks
            timecol: block_timestamp
            size: forever
          - name: c
            type: tumble_window_dataset
            dataset: eth.blocks
            size: 1 hour
            step: 1 minute
        sinks:
          - name: s
            type: print
            from: a
        """);
    assertThat(p)
        .extracting(Problem::field)
        .containsExactlyInAnyOrder(
            "sources[0].size",
            "sources[1].size",
            "sources[1].slide",
            "sources[2].timecol",
            "sources[2].step");
  }

  @Test
  void sinkFieldsMustFitTheSinkType() {
    List<Problem> p =
        problems(
            VALID_HEAD
                + """
      sinks:
        - name: s
          type: print
          from: logs
          table: x
        - name: f
          type: filesystem
          from: logs
        - name: d
          type: dataset
          from: logs
          primary_key: "a,,b"
      """);
    assertThat(p)
        .extracting(Problem::field)
        .containsExactly("sinks[0].table", "sinks[1].path", "sinks[2].primary_key");
  }

  @Test
  void placeholdersMustResolve() {
    List<Problem> p =
        problems(
            VALID_HEAD
                + """
      transforms:
        - name: t
          sql: SELECT '${missing}' FROM logs
          params:
            other: 1
      sinks:
        - name: s
          type: postgres
          from: t
          database: test
          table: t
          primary_key: a
          config:
            password: ${env.NO_SUCH_VARIABLE}
      """);
    assertThat(p)
        .extracting(Problem::reason)
        .containsExactly(
            "placeholder ${missing} has no value in params",
            "placeholder ${env.NO_SUCH_VARIABLE} has no value in the environment (${env.NAME})");
  }

  @Test
  void nonDeterministicSqlIsRefusedForDatasetSinksOnly() {
    String transforms =
        """
      transforms:
        - name: stamped
          sql: SELECT *, NOW() AS seen_at, RAND() AS r FROM logs
        - name: picked
          sql: SELECT * FROM stamped
      """;
    List<Problem> p =
        problems(
            VALID_HEAD
                + transforms
                + """
      sinks:
        - name: attested
          type: dataset
          from: picked
      """);
    assertThat(p)
        .extracting(Problem::field)
        .containsExactly("transforms.stamped.sql", "transforms.stamped.sql");
    assertThat(p.get(0).reason())
        .isEqualTo(
            "NOW reads the wall clock — refused because dataset sink 'attested' reads it and attested results must be reproducible");
    assertThat(p.get(0).line()).isEqualTo(8);
    // The same pipeline into a print sink is fine.
    Manuscript ok =
        parser.parse(
            "m.yaml",
            (VALID_HEAD
                    + transforms
                    + """
      sinks:
        - name: shown
          type: print
          from: picked
      """)
                .getBytes(StandardCharsets.UTF_8));
    assertThat(ok.transforms()).hasSize(2);
  }

  @Test
  void limitNeedsOrderByAndLiteralsDoNotCount() {
    String head =
        VALID_HEAD.replace(
            "      dataset: eth.transaction_logs\n",
            "      dataset: eth.transaction_logs\n      filter: \"data <> 'now() rand()' -- CURRENT_TIMESTAMP\"\n");
    List<Problem> p =
        problems(
            head
                + """
      transforms:
        - name: firsts
          sql: SELECT * FROM (SELECT * FROM logs ORDER BY log_index LIMIT 5) LIMIT 3
        - name: unix
          sql: SELECT UNIX_TIMESTAMP() AS t, UNIX_TIMESTAMP('2024-01-01 00:00:00') AS u FROM firsts
      sinks:
        - name: attested
          type: dataset
          from: unix
      """);
    assertThat(p)
        .extracting(Problem::reason)
        .containsExactlyInAnyOrder(
            "LIMIT without ORDER BY keeps whichever rows arrive first — refused because dataset sink 'attested' reads it and attested results must be reproducible",
            "UNIX_TIMESTAMP() without an argument reads the wall clock — refused because dataset sink 'attested' reads it and attested results must be reproducible");
    assertThat(p)
        .extracting(Problem::field)
        .containsExactlyInAnyOrder("transforms.firsts.sql", "transforms.unix.sql");
  }

  @Test
  void randomnessInAnUpstreamSourceFilterIsRefused() {
    List<Problem> p =
        problems(
            """
        name: m
        specVersion: v1.0.0
        sources:
          - name: logs
            type: dataset
            dataset: eth.transaction_logs
            filter: RAND() < 0.5
        sinks:
          - name: attested
            type: dataset
            from: logs
        """);
    assertThat(p)
        .singleElement()
        .satisfies(
            pr -> {
              assertThat(pr.field()).isEqualTo("sources.logs.filter");
              assertThat(pr.reason()).startsWith("RAND is random");
            });
  }

  @Test
  void intervals() {
    assertThat(ManuscriptParser.parseInterval("1 hour")).contains(Duration.ofHours(1));
    assertThat(ManuscriptParser.parseInterval("30 SECONDS")).contains(Duration.ofSeconds(30));
    assertThat(ManuscriptParser.parseInterval("5m")).contains(Duration.ofMinutes(5));
    assertThat(ManuscriptParser.parseInterval("2d")).contains(Duration.ofDays(2));
    assertThat(ManuscriptParser.parseInterval("PT90S")).contains(Duration.ofSeconds(90));
    assertThat(ManuscriptParser.parseInterval("soon")).isEmpty();
  }

  @Test
  void unreadableFileIsReported() {
    assertThatThrownBy(() -> parser.parse(Path.of("/nonexistent/m.yaml")))
        .isInstanceOf(ManuscriptException.class)
        .hasMessage("no such file: /nonexistent/m.yaml");
  }

  @Test
  void aProblemWithoutAPositionShowsNone() {
    assertThatThrownBy(() -> parser.parse("bin.yaml", new byte[] {(byte) 0xff, (byte) 0xfe}))
        .isInstanceOf(ManuscriptException.class)
        .hasMessageContaining("bin.yaml: the file is not UTF-8")
        .hasMessageNotContaining(":0:0");
  }
}
