package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.aggregator.Aggregator;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.signer.FileSlashingProtectionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as a real OS process ({@code java -jar operator/cli/target/cvm-avs.jar node}, on the JDK
 * {@code bin/jdk.sh} picks), killed with SIGKILL as soon as its slashing-protection journal holds
 * the record for a task (the signature is being made or on its way to the aggregator), then two
 * more tasks are created while it is down and it is restarted on the same data directory. Checks:
 * one response digest per task in the journal and in the aggregator (no equivocation evidence),
 * every task responded, and both tasks created during the outage signed by the restarted node.
 */
@WithAnvil
class NodeCrashIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void sigkillMidTaskThenRestartSignsNothingTwiceAndMissesNothing(AnvilNode anvil)
      throws Exception {
    RepoLayout repo = RepoLayout.locate();
    Path jar = repo.root().resolve("operator/cli/target/cvm-avs.jar");
    assertThat(jar).as("the shaded jar (built at the package phase)").isRegularFile();
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "crash");
    Path manuscript = Files.write(dir.resolve("manuscript.yaml"), AvsLocalnet.MANUSCRIPT);
    try (AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      Path config = net.registerOperator(1, aggregator.port());
      Path data = config.getParent().resolve("data");
      Path journal = data.resolve(FileSlashingProtectionStore.FILE_NAME);
      Path outcomes = data.resolve("node").resolve("outcomes.jsonl");

      LocalProcess first = startNode(repo, net, config, manuscript, 1);
      CvmTask killed;
      try {
        killed = net.createTask(0);
        await()
            .atMost(AvsLocalnet.WAIT)
            .pollInterval(Duration.ofMillis(5))
            .until(() -> journalDigests(journal).containsKey(killed.taskIndex()));
        ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL
        await().atMost(AvsLocalnet.WAIT).until(() -> !first.isAlive());
      } finally {
        first.close();
      }
      String outcomeAtKill = outcome(outcomes, killed.taskIndex()).orElse("(none)");
      System.out.println(
          "[crash] SIGKILL after the journal recorded task "
              + killed.taskIndex()
              + "; node outcome then: "
              + outcomeAtKill
              + "; aggregator then: "
              + aggregator
                  .aggregator()
                  .status(killed.taskIndex())
                  .map(s -> s.signersByDigest().toString())
                  .orElse("(no signature yet)"));

      // Tasks created while the node is down, inside their response window.
      List<CvmTask> whileDown = List.of(net.createTask(1), net.createTask(2));

      LocalProcess second = startNode(repo, net, config, manuscript, 2);
      try {
        // A third node on the same data directory is refused while the second one runs.
        Path thirdLog = dir.resolve("node-run-3.log");
        ProcessBuilder thirdNode =
            new ProcessBuilder(nodeCommand(repo, net, config, manuscript))
                .directory(repo.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(thirdLog.toFile());
        thirdNode.environment().putAll(net.env());
        Process third = thirdNode.start();
        assertThat(third.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(third.exitValue()).as(Files.readString(thirdLog)).isNotZero();
        assertThat(Files.readString(thirdLog))
            .contains("data directory " + data.toAbsolutePath() + " is in use by another node")
            .contains("PID " + second.pid())
            .doesNotContain("running (Ctrl-C stops)");
        net.awaitResponded(killed);
        for (CvmTask t : whileDown) {
          net.awaitResponded(t);
          await()
              .atMost(AvsLocalnet.WAIT)
              .until(() -> outcome(outcomes, t.taskIndex()).isPresent());
          assertThat(outcome(outcomes, t.taskIndex())).contains("signed");
        }
        await()
            .atMost(AvsLocalnet.WAIT)
            .until(() -> outcome(outcomes, killed.taskIndex()).isPresent());
        assertThat(outcome(outcomes, killed.taskIndex()).orElseThrow())
            .as("killed when its outcome was %s", outcomeAtKill)
            .isIn("signed", "already-responded");
        assertThat(Files.readString(second.logFile())).doesNotContain("refusing to start");
      } finally {
        second.close();
      }

      // One digest per task in the journal, and the same single digest at the aggregator.
      Map<Long, Set<String>> recorded = journalDigests(journal);
      Aggregator agg = aggregator.aggregator();
      List<CvmTask> all = new ArrayList<>(whileDown);
      all.addFirst(killed);
      for (CvmTask t : all) {
        assertThat(recorded.get(t.taskIndex())).as("journal, task " + t.taskIndex()).hasSize(1);
        Map<String, Integer> byDigest = agg.status(t.taskIndex()).orElseThrow().signersByDigest();
        assertThat(byDigest).as("aggregator, task " + t.taskIndex()).hasSize(1);
        assertThat(normalize(byDigest.keySet().iterator().next()))
            .isEqualTo(recorded.get(t.taskIndex()).iterator().next());
        assertThat(byDigest.values()).containsExactly(1);
      }
      assertThat(agg.equivocationEvidence()).isEmpty();
    }
  }

  private LocalProcess startNode(
      RepoLayout repo, AvsLocalnet net, Path config, Path manuscript, int run) {
    Path log = dir.resolve("node-run-" + run + ".log");
    List<String> command = nodeCommand(repo, net, config, manuscript);
    return LocalProcess.start(
        new ProcessSpec(
            "cvm-avs-node",
            command,
            net.env(),
            Optional.of(repo.root()),
            log,
            () -> Files.exists(log) && Files.readString(log).contains("running (Ctrl-C stops)"),
            Duration.ofMinutes(2),
            " (build it: bin/mvn -pl operator/cli -am package)"));
  }

  private static List<String> nodeCommand(
      RepoLayout repo, AvsLocalnet net, Path config, Path manuscript) {
    return List.of(
        "bash",
        "-c",
        ". \"$0/bin/jdk.sh\" && exec \"$JAVA_HOME/bin/java\" -jar"
            + " \"$0/operator/cli/target/cvm-avs.jar\" \"$@\"",
        repo.root().toString(),
        "node",
        "--config",
        config.toString(),
        "--manuscript",
        manuscript.toString(),
        "--cvm-genesis-block",
        Long.toString(net.deploymentBlock() + 1),
        "--cvm-span",
        Long.toString(AvsLocalnet.SPAN),
        "--poll-ms",
        "500");
  }

  /** task index → every response digest the journal records for it. */
  private static Map<Long, Set<String>> journalDigests(Path journal) throws IOException {
    Map<Long, Set<String>> out = new TreeMap<>();
    if (!Files.exists(journal)) {
      return out;
    }
    for (String line : Files.readAllLines(journal)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException torn) {
        continue; // a line being written right now
      }
      out.computeIfAbsent(n.path("task_index").asLong(), k -> new TreeSet<>())
          .add(normalize(n.path("response_digest").asText()));
    }
    return out;
  }

  /** The last outcome the node recorded for {@code taskIndex}. */
  private static Optional<String> outcome(Path outcomes, long taskIndex) throws IOException {
    if (!Files.exists(outcomes)) {
      return Optional.empty();
    }
    Optional<String> last = Optional.empty();
    for (String line : Files.readAllLines(outcomes)) {
      try {
        JsonNode n = JSON.readTree(line);
        if (n.path("taskIndex").asLong() == taskIndex) {
          last = Optional.of(n.path("outcome").asText());
        }
      } catch (IOException torn) {
        // a line being written right now
      }
    }
    return last;
  }

  private static String normalize(String hex) {
    String h = hex.toLowerCase(Locale.ROOT);
    return h.startsWith("0x") ? h.substring(2) : h;
  }
}
