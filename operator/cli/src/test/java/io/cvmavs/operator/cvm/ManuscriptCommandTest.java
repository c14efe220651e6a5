package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.operator.cli.CliRun;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code manuscript validate} through the real command line (SQL compiled on the planner, no job).
 */
class ManuscriptCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  /** {@code cvm-avs manuscript ARGS} through the real command line and its failure handler. */
  int run(String... args) {
    return CliRun.run(out, err, CliRun.words(args, "manuscript"));
  }

  @Test
  void validatesAGoodManuscript() throws IOException {
    Path file = dir.resolve("m.yaml");
    Files.writeString(
        file,
        """
        name: m
        specVersion: v1.0.0
        sources:
          - {name: logs, type: dataset, dataset: eth.transaction_logs}
        sinks:
          - {name: out, type: dataset, from: logs, primary_key: "block_number,log_index"}
        """);
    assertThat(run("validate", file.toString())).isZero();
    assertThat(out.toString())
        .contains(
            file + ": ok — manuscript 'm' (v1.0.0), 1 sources, 0 transforms, sinks: out (dataset)");
  }

  @Test
  void reportsEveryProblemWithItsLocation() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "name: m\nspecVersion: v1.0.0\nsources: []\nsinks: []\ncolour: red\n");
    assertThat(run("validate", file.toString())).isEqualTo(1);
    assertThat(err.toString())
        .contains(file + ":3:10: sources: a manuscript needs at least one source")
        .contains(file + ":5:1: colour: unknown field 'colour'");
  }

  @Test
  void aMissingFileSaysSoWithExitCode1() {
    Path file = dir.resolve("absent.yaml");
    assertThat(run("validate", file.toString())).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("cvm-avs manuscript validate: error: no such file: " + file);
  }

  @Test
  void aRefusalEndsWithItsProblemsNotADebugHint() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "name: m\nspecVersion: v1.0.0\nsources: []\nsinks: []\ncolour: red\n");
    assertThat(run("validate", file.toString())).isEqualTo(1);
    assertThat(err.toString()).contains(file + ":5:1: colour: unknown field 'colour'");
    String last = err.toString().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last.strip()).as("the last line is a problem").startsWith(file + ":");
    assertThat(err.toString()).doesNotContain("--debug");
  }

  @Test
  void anSqlErrorShowsOnePosition() throws IOException {
    Path file = dir.resolve("sql.yaml");
    Files.writeString(
        file,
        """
        name: m
        specVersion: v1.0.0
        sources:
          - {name: logs, type: dataset, dataset: eth.transaction_logs}
        transforms:
          - name: t
            sql: SELECT no_such_column FROM logs
        sinks:
          - {name: out, type: dataset, from: t}
        """);
    assertThat(run("validate", file.toString())).isEqualTo(1);
    String problem =
        err.toString()
            .lines()
            .filter(l -> l.contains("does not compile"))
            .findFirst()
            .orElseThrow();
    assertThat(problem.strip())
        .startsWith(file + ":7:17: transforms[0].sql: transform 't' does not compile: ");
    assertThat(problem).doesNotContainPattern("line \\d+, column \\d+");
    assertThat(err.toString()).doesNotContain("--debug");
  }

  @Test
  void runNeedsTheBlockRange() {
    assertThat(run("run", "m.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required options: '--from=<from>', '--to=<to>'");
  }
}
