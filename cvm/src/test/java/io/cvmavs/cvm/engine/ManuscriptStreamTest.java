package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.manuscript.Manuscript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ManuscriptStream} refuses before submitting anything, and which checkpoint it
 * resumes.
 */
class ManuscriptStreamTest {
  @TempDir Path dir;

  // not ManuscriptRunnerTest.parse: that class starts the embedded Flink cluster, which nothing
  // here needs
  private static Manuscript parse(String yaml) {
    return new io.cvmavs.cvm.manuscript.ManuscriptParser(java.util.Map.of())
        .parse("test.yaml", yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static final String SOURCES =
      """
      name: s
      specVersion: v1.0.0
      sources:
        - name: logs
          type: dataset
          dataset: eth.transaction_logs
        - name: w
          type: tumble_window_dataset
          dataset: eth.transaction_logs
          timecol: block_timestamp
          size: 2 minutes
        - name: c
          type: dataset
          dataset: eth.contracts
      sinks:
      """;

  @Test
  void refusesEverySinkAndSourceItCannotStreamNamingEach() {
    Manuscript m =
        parse(
            SOURCES
                + """
                  - name: attested
                    type: dataset
                    from: logs
                  - name: file
                    type: filesystem
                    from: logs
                    path: out.jsonl
                  - name: ranges
                    type: postgres
                    from: logs
                    database: test
                    table: t
                    primary_key: transaction_hash
                    per_range: true
                """);
    List<String> problems = ManuscriptStream.problems(m);
    assertThat(problems).hasSize(5);
    assertThat(problems.get(0))
        .startsWith("source 'w' (test.yaml:")
        .contains("TUMBLE_WINDOW_DATASET");
    assertThat(problems.get(1))
        .startsWith("source 'c'")
        .contains("eth.contracts is a traced table");
    assertThat(problems.get(2))
        .startsWith("sink 'attested'")
        .contains("dataset sinks are attested");
    assertThat(problems.get(3)).startsWith("sink 'file'").contains("filesystem sinks");
    assertThat(problems.get(4)).startsWith("sink 'ranges'").contains("per_range");
    assertThatThrownBy(
            () ->
                ManuscriptStream.start(
                    FlinkRuntime.remote("127.0.0.1", 1, List.of()),
                    m,
                    new ManuscriptStream.Options(
                        "http://127.0.0.1:1",
                        0,
                        0,
                        Long.MAX_VALUE,
                        Duration.ofMillis(100),
                        dir,
                        Duration.ofSeconds(1),
                        Duration.ofMillis(20),
                        false)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("test.yaml cannot be streamed: source 'w'");
  }

  @Test
  void aManuscriptWithPostgresAndPrintSinksOnDatasetSourcesStreams() {
    Manuscript m =
        parse(
            """
            name: s
            specVersion: v1.0.0
            sources:
              - name: logs
                type: dataset
                dataset: eth.transaction_logs
                filter: "log_index = 0"
            sinks:
              - name: pg
                type: postgres
                from: logs
                database: test
                table: t
                primary_key: transaction_hash,log_index
              - name: out
                type: print
                from: logs
            """);
    assertThat(ManuscriptStream.problems(m)).isEmpty();
  }

  @Test
  void resumesFromTheNewestCompleteCheckpoint() throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    assertThat(ManuscriptStream.latestCheckpoint(checkpoints)).isEmpty();
    Path old = Files.createDirectories(checkpoints.resolve("job-a/chk-7"));
    Files.writeString(old.resolve("_metadata"), "a");
    Files.setLastModifiedTime(old.resolve("_metadata"), FileTime.fromMillis(1_000_000));
    Path newer = Files.createDirectories(checkpoints.resolve("job-b/chk-2"));
    Files.writeString(newer.resolve("_metadata"), "b");
    Files.setLastModifiedTime(newer.resolve("_metadata"), FileTime.fromMillis(2_000_000));
    Files.createDirectories(checkpoints.resolve("job-b/chk-3")); // in progress: no _metadata yet
    Files.createDirectories(checkpoints.resolve("job-b/shared"));
    assertThat(ManuscriptStream.latestCheckpoint(checkpoints)).contains(newer);
  }

  private static Path checkpoint(Path checkpoints, String name, long modifiedMillis)
      throws Exception {
    Path chk = Files.createDirectories(checkpoints.resolve(name));
    Files.writeString(chk.resolve("_metadata"), name);
    Files.setLastModifiedTime(chk.resolve("_metadata"), FileTime.fromMillis(modifiedMillis));
    return chk;
  }

  @Test
  void prunesAllButTheNewestCheckpointsAndTheFoldersOfEarlierRuns() throws Exception {
    Path checkpoints = dir.resolve("prune/checkpoints");
    assertThat(ManuscriptStream.pruneCheckpoints(checkpoints, 2, Optional.empty())).isEmpty();
    // a run that was cancelled long ago, one killed mid-checkpoint, and the running job
    Path oldest = checkpoint(checkpoints, "job-a/chk-4", 1_000_000);
    Files.createDirectories(checkpoints.resolve("job-a/shared"));
    Path killed1 = checkpoint(checkpoints, "job-b/chk-8", 2_000_000);
    Path killed2 = checkpoint(checkpoints, "job-b/chk-9", 3_000_000);
    Path unfinished = Files.createDirectories(checkpoints.resolve("job-b/chk-10"));
    Files.createDirectories(checkpoints.resolve("job-c/chk-1")); // running: nothing complete yet

    // at start: the two newest stay (where the restart resumes), the rest of earlier runs goes
    assertThat(ManuscriptStream.pruneCheckpoints(checkpoints, 2, Optional.empty()))
        .containsExactlyInAnyOrder(
            checkpoints.resolve("job-a"), unfinished, checkpoints.resolve("job-c"));
    assertThat(killed1).isDirectory();
    assertThat(killed2).isDirectory();
    assertThat(oldest).doesNotExist();
    assertThat(ManuscriptStream.latestCheckpoint(checkpoints)).contains(killed2);

    // the running job, before its first checkpoint is complete: the earlier run's stay
    Files.createDirectories(checkpoints.resolve("job-d/chk-1")); // being written: never touched
    assertThat(ManuscriptStream.pruneCheckpoints(checkpoints, 2, Optional.of("job-d"))).isEmpty();
    assertThat(killed2).isDirectory();
    // once it has one, nothing of the earlier runs is needed any more
    Path own1 = checkpoint(checkpoints, "job-d/chk-1", 4_000_000);
    Files.createDirectories(checkpoints.resolve("job-d/chk-2"));
    assertThat(ManuscriptStream.pruneCheckpoints(checkpoints, 2, Optional.of("job-d")))
        .containsExactly(checkpoints.resolve("job-b"));
    try (var left = Files.list(checkpoints)) {
      assertThat(left).containsExactly(checkpoints.resolve("job-d"));
    }
    assertThat(checkpoints.resolve("job-d/chk-2")).isDirectory();
    assertThat(own1.resolve("_metadata")).isRegularFile();
  }
}
