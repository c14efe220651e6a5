package io.cvmavs.operator.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.localnet.process.FreePort;
import io.cvmavs.localnet.process.RepoLayout;
import io.cvmavs.operator.cli.CvmAvsCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code cvm-avs devnet --faulty 1} in-process — the README's main job — with a real anvil and the
 * real forge deploy script: four operators registered (the CVM chain's four validators), one of
 * them signing wrong results; both CVM blocks attested on chain by the three honest ones; the
 * challenger gets exactly the faulty operator slashed (read back from {@code
 * OperatorSlashedForWrongResult} events); the summary JSON says so; anvil is stopped afterwards.
 */
class DevnetCommandIT {
  @Test
  void runsTheDevnetWithAFaultyOperatorToASummaryWithExactlyItSlashed() throws Exception {
    List<JsonNode> alerts = new CopyOnWriteArrayList<>();
    HttpServer webhook =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/alerts",
        exchange -> {
          alerts.add(new ObjectMapper().readTree(exchange.getRequestBody()));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    webhook.start();
    Path out = Path.of("target", "devnet-it-" + UUID.randomUUID() + ".json");
    StringWriter stdout = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine();
    cli.setOut(new PrintWriter(stdout, true));

    Path summary =
        Path.of("target", "devnet-it-summary-" + UUID.randomUUID() + ".json").toAbsolutePath();
    int exit =
        cli.execute(
            "devnet",
            "--port",
            "0",
            "--operators",
            "4",
            "--faulty",
            "1",
            "--blocks",
            "2",
            "--cvm-span",
            "2",
            "--deployments-out",
            out.toString(),
            "--dashboard-port",
            "0",
            "--webhook",
            "http://127.0.0.1:" + webhook.getAddress().getPort() + "/alerts",
            "--summary-json",
            summary.toString());
    webhook.stop(0);

    String printed = stdout.toString();
    assertThat(exit).as(printed).isZero();
    Deployments deployments = Deployments.read(RepoLayout.locate().root().resolve(out));
    assertThat(printed)
        .contains("[devnet] anvil is up")
        .contains("CToken")
        .contains(deployments.address("CToken"))
        // issue 14: registered on chain, resolved by the nodes (which then sign: tasks respond)
        .contains(
            "manuscript registered in CvmManuscriptRegistry "
                + deployments.address("CvmManuscriptRegistry"))
        .contains("the nodes resolve it from the registry");

    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("tasks_created").asInt()).isEqualTo(2);
    assertThat(json.path("tasks_responded").asInt()).isEqualTo(2);
    for (JsonNode task : json.path("tasks")) {
      assertThat(task.path("signers").asInt()).as("honest signers of %s", task).isEqualTo(3);
      assertThat(task.path("response_gas").asLong()).isPositive();
    }
    assertThat(json.path("faulty_operators").toString()).isEqualTo("[\"operator-1\"]");
    assertThat(json.path("slashed_operators").toString()).isEqualTo("[\"operator-1\"]");
    assertThat(json.path("slashing_as_expected").asBoolean()).isTrue();
    assertThat(json.path("challenges_settled").asBoolean()).isTrue();
    assertThat(json.path("challenges_raised").asInt()).isEqualTo(2);
    // issue 18: the attested blocks anchored, one audit passed, an empty store recovered
    assertThat(json.path("storage").path("groups").asInt()).isPositive();
    assertThat(json.path("storage").path("groups_anchored").asInt())
        .isEqualTo(json.path("storage").path("groups").asInt());
    assertThat(json.path("storage").path("audit_passed").asBoolean()).isTrue();
    assertThat(json.path("storage").path("recovered").asBoolean()).isTrue();
    // … and the newest group assigned to holders in StorageAudit, one round BLS-attested on chain
    assertThat(json.path("storage").path("attested_audit_passed").asBoolean())
        .as("%s", json.path("storage"))
        .isTrue();
    assertThat(json.path("storage").path("attested_audit").asText())
        .matches(
            "group 0x[0-9a-f]{8}…, holder operator-[1-4], round at block \\d+, passed, attested by"
                + " [1-4]/4 operators, tx 0x[0-9a-f]{64}");
    assertThat(printed).contains("storage audit on chain");
    // issue 17: 4 operators = 4 CVM chain validators; CVM blocks finalised with certificates, the
    // light client verified the head, and the summary table says so
    JsonNode chain = json.path("cvm_chain");
    assertThat(chain.path("validators").asInt()).as("%s", chain).isEqualTo(4);
    assertThat(chain.path("cvm_blocks").asLong()).as("%s", chain).isPositive();
    assertThat(chain.path("certificates").asInt()).as("%s", chain).isPositive();
    assertThat(chain.path("light_synced_to").asLong())
        .as("%s", chain)
        .isEqualTo(chain.path("height").asLong());
    assertThat(chain.path("ok").asBoolean()).isTrue();
    assertThat(printed).contains("CVM chain finalised").contains("light client");
    // issue 19: the relayer carried checkpoints to CvmCheckpoints while the devnet ran
    JsonNode bridge = json.path("bridge");
    assertThat(bridge.path("checkpoints_relayed").asLong()).as("%s", bridge).isPositive();
    assertThat(bridge.path("last_height_on_ethereum").asLong()).as("%s", bridge).isPositive();
    assertThat(bridge.path("gas_per_checkpoint_median").asLong()).as("%s", bridge).isPositive();
    assertThat(printed)
        .contains("[devnet] bridge: first checkpoint landed on Ethereum")
        .contains("bridge checkpoints");
    // issue 17 (b): the devnet's stake change (an operator unstakes $C at the start) reached the
    // chain at the next stake epoch (ValidatorSetUpdate, CometBFT updates in effect at H+2), the
    // relayer rotated CvmCheckpoints to the new set and checkpoints kept landing after it
    assertThat(chain.path("validator_set_changes").asInt()).as("%s", chain).isPositive();
    assertThat(bridge.path("rotations").asLong()).as("%s", bridge).isPositive();
    assertThat(bridge.path("checkpoints_after_rotation").asLong()).as("%s", bridge).isPositive();
    assertThat(printed)
        .contains("unstaked 25 $C at Ethereum block")
        .contains("CVM chain: validator set changed")
        .contains("bridge: CvmCheckpoints rotated to the CVM chain's new validator set");
    // Issue 19 item 5: one $C deposit credited on the CVM chain and one withdrawal claimed back on
    // Ethereum, conservation checked after each step (the devnet exits 1 otherwise).
    JsonNode trip = json.path("bridge_round_trip");
    assertThat(trip.path("ok").asBoolean()).as("%s", trip).isTrue();
    assertThat(trip.path("deposits_credited").asLong()).as("%s", trip).isEqualTo(1);
    assertThat(trip.path("withdrawals_claimed").asLong()).as("%s", trip).isEqualTo(1);
    assertThat(trip.path("conserved").asBoolean()).as("%s", trip).isTrue();
    assertThat(trip.path("claim_gas").asLong()).as("%s", trip).isBetween(50_000L, 150_000L);
    assertThat(printed)
        .containsPattern("bridge: deposit 0 credited on the CVM chain [0-9.]+ s after")
        .containsPattern("bridge: withdrawal 0 claimed on Ethereum .*conservation holds")
        .contains("bridge $C round trip");
    // Issue 20: a signed DB3 sequence applied on the CVM chain and queried by id, range, vector
    // and graph (the devnet exits 1 otherwise).
    JsonNode db3 = json.path("db3");
    assertThat(db3.path("ok").asBoolean()).as("%s", db3).isTrue();
    assertThat(db3.path("mutations").asInt()).as("%s", db3).isEqualTo(2);
    assertThat(db3.path("state_root").asText()).as("%s", db3).matches("0x[0-9a-f]{64}");
    assertThat(printed)
        .containsPattern("db3: applied at CVM chain height \\d+ [0-9.]+ s after submission")
        .contains("DB3 on the CVM chain");
    // Issue 14: the chain imports the registry (the devnet's manuscript is registered there).
    assertThat(printed)
        .containsPattern("CVM chain: [1-9]\\d* change\\(s\\) imported from CvmManuscriptRegistry");
    // (c): the kill/restart drill while CVM blocks flow, on the console
    assertThat(printed)
        .containsPattern("CVM chain: validator operator-1 killed at height \\d+")
        .contains("caught up at height");
    // issue 21: a fee escrowed for each of the 2 tasks and for the one task no node can answer (its
    // manuscript is registered but never published); the 2 answered ones released and split by
    // signed stake among the honest operators, the slashed one nothing, the root posted, one
    // honest operator's share claimed; the unanswered one refunded; escrowed = released +
    // refunded + held
    JsonNode rewards = json.path("rewards");
    BigInteger fee = new BigInteger(rewards.path("fee_per_task").asText());
    assertThat(fee).as("%s", rewards).isPositive();
    assertThat(new BigInteger(rewards.path("fees_escrowed").asText()))
        .as("%s", rewards)
        .isEqualTo(fee.multiply(BigInteger.valueOf(3)));
    assertThat(new BigInteger(rewards.path("fees_released").asText()))
        .isEqualTo(fee.multiply(BigInteger.TWO));
    assertThat(new BigInteger(rewards.path("fees_refunded").asText())).isEqualTo(fee);
    assertThat(new BigInteger(rewards.path("fees_held").asText())).isZero();
    assertThat(rewards.path("fees_conserved").asBoolean()).isTrue();
    assertThat(rewards.path("unanswered_refunded").asBoolean()).isTrue();
    assertThat(rewards.path("unanswered_task").asLong()).isNotNegative();
    assertThat(rewards.path("submissions").asInt()).isEqualTo(1);
    assertThat(rewards.path("root_index").asLong()).isNotNegative();
    BigInteger submitted = new BigInteger(rewards.path("submitted").asText());
    assertThat(submitted)
        .isGreaterThanOrEqualTo(fee.multiply(BigInteger.TWO).subtract(BigInteger.TEN));
    BigInteger honestSum = BigInteger.ZERO;
    double percent = 0;
    assertThat(rewards.path("shares")).hasSize(4);
    for (JsonNode share : rewards.path("shares")) {
      BigInteger amount = new BigInteger(share.path("amount").asText());
      if (share.path("operator").asText().equals("operator-1")) {
        assertThat(amount).as("the slashed operator's share: %s", share).isZero();
      } else {
        assertThat(amount).as("an honest signer's share: %s", share).isPositive();
        honestSum = honestSum.add(amount);
        percent += share.path("percent").asDouble();
      }
    }
    assertThat(honestSum).isEqualTo(submitted);
    assertThat(percent).isCloseTo(100.0, org.assertj.core.api.Assertions.within(0.01));
    JsonNode claimed = rewards.path("claimed");
    assertThat(claimed.path("operator").asText()).as("%s", rewards).isNotEqualTo("operator-1");
    for (JsonNode share : rewards.path("shares")) {
      if (share.path("operator").asText().equals(claimed.path("operator").asText())) {
        assertThat(claimed.path("amount").asText()).isEqualTo(share.path("amount").asText());
      }
    }
    assertThat(printed)
        .contains("[devnet] rewards: every task carries a fee")
        .containsPattern("\\[devnet\\] rewards: task \\d+ created with a fee for manuscript")
        .contains("unanswered task fee(s) refunded")
        .contains("responded task fee(s) released")
        .contains("(slashed: excluded)")
        .contains("distribution root")
        .containsPattern("\\[devnet\\] rewards: operator-\\d claimed")
        .contains("task fees ($C)")
        .contains("reward share operator-2");
    assertThat(printed)
        .contains("operators slashed")
        .contains("(as expected)")
        .containsPattern("dashboard: http://127\\.0\\.0\\.1:\\d+/");
    // operator-1 is anvil account 1.
    String faulty = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
    assertThat(alerts)
        .as("alerts received: %s", alerts)
        .anySatisfy(
            a -> {
              assertThat(a.path("type").asText()).isEqualTo("operator_slashed_for_wrong_result");
              assertThat(a.path("operator").asText()).isEqualToIgnoringCase(faulty);
            });
    assertThat(alerts)
        .filteredOn(a -> a.path("type").asText().contains("slashed"))
        .allSatisfy(a -> assertThat(a.path("operator").asText()).isEqualToIgnoringCase(faulty));

    Matcher pid = Pattern.compile("pid (\\d+)").matcher(printed);
    assertThat(pid.find()).isTrue();
    assertThat(
            ProcessHandle.of(Long.parseLong(pid.group(1)))
                .map(ProcessHandle::isAlive)
                .orElse(false))
        .as("anvil stopped when the devnet ended")
        .isFalse();
  }

  /**
   * The README's first command run twice on one port, the first run killed under it: {@code
   * --keep-running} goes on tasking after {@code --blocks}; anvil dying stops the devnet with one
   * line and exit 1 within seconds; the second run on the same port (same run folder, keystores of
   * the first run still there) works and leaves only its own run folder.
   */
  @Test
  void keepsTaskingUntilAnvilDiesThenASecondRunOnTheSamePortWorks() throws Exception {
    int port = FreePort.onLoopback();
    Path runs = RepoLayout.locate().root().resolve("target/devnet");
    Path stale = Files.createDirectories(runs.resolve("run-stale-" + UUID.randomUUID()));
    Files.writeString(stale.resolve("ecdsa.json"), "{}"); // a killed run of an older version
    StringWriter first = new StringWriter();
    AtomicInteger firstExit = new AtomicInteger(-1);
    Thread devnet =
        Thread.ofPlatform()
            .name("devnet-keep-running")
            .start(
                () -> {
                  CommandLine cli = CvmAvsCommand.commandLine();
                  cli.setOut(new PrintWriter(first, true));
                  firstExit.set(cli.execute(args(port, "--keep-running")));
                });
    // --blocks 1 makes task 0 the summary's; every further task but the devnet's one unanswered
    // task (issue 21: never responded; index 1 or 2, whichever the fee account's createTask gets
    // first) comes only from --keep-running: wait for a response to a task index >= 2.
    Pattern beyond = Pattern.compile("\\[devnet\\] task ([2-9]|[1-9]\\d+) responded on chain");
    Instant deadline = Instant.now().plusSeconds(240);
    while (!beyond.matcher(first.toString()).find()) {
      assertThat(devnet.isAlive()).as("devnet ended early:%n%s", first).isTrue();
      assertThat(Instant.now()).as("no task beyond --blocks:%n%s", first).isBefore(deadline);
      Thread.sleep(200);
    }
    assertThat(first.toString())
        .contains("tasks created")
        .containsPattern("\\[devnet\\] task [1-9]\\d* created for CVM block")
        .contains("task fees ($C)");
    assertThat(runs.resolve("run-" + port + "/operator-1/ecdsa.json")).exists();
    assertThat(stale).as("a finished run's folder is removed by the next run").doesNotExist();

    Matcher pid = Pattern.compile("pid (\\d+)").matcher(first.toString());
    assertThat(pid.find()).isTrue();
    // The printed pid is node_modules/.bin/anvil, a Node.js wrapper; the anvil binary is its child.
    // Killing only the wrapper is the harder case: the binary must not survive holding the port.
    ProcessHandle anvil = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
    List<ProcessHandle> binary = anvil.descendants().toList();
    assertThat(binary).isNotEmpty();
    Instant killed = Instant.now();
    anvil.destroyForcibly();
    devnet.join(Duration.ofSeconds(60));
    assertThat(devnet.isAlive()).as("devnet still running after anvil died:%n%s", first).isFalse();
    assertThat(Duration.between(killed, Instant.now())).isLessThan(Duration.ofSeconds(30));
    assertThat(firstExit.get()).as(first.toString()).isEqualTo(CvmAvsCommand.EXIT_FAILURE);
    for (ProcessHandle orphan : binary) { // SIGKILL is sent at once; reaping takes a moment
      orphan.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertThat(binary).as("the anvil binary is stopped too").noneMatch(ProcessHandle::isAlive);
    assertThat(first.toString().lines().filter(l -> l.contains("exited unexpectedly")).toList())
        .as(first.toString())
        .singleElement()
        .asString()
        .startsWith("[devnet] anvil (pid " + pid.group(1) + ", http://127.0.0.1:" + port + ")")
        .contains("stopping the devnet");

    StringWriter second = new StringWriter();
    CommandLine cli = CvmAvsCommand.commandLine();
    cli.setOut(new PrintWriter(second, true));
    int exit = cli.execute(args(port));
    assertThat(exit).as(second.toString()).isZero();
    assertThat(second.toString())
        .containsPattern("tasks responded +1")
        .contains("unanswered task fee(s) refunded")
        .containsPattern("reward share operator-1 +[0-9.]+ \\$C \\(100\\.0 %\\)")
        .contains("done; stopping")
        .doesNotContain("already exists");
    assertThat(runs.resolve("run-" + port + "/operator-1/ecdsa.json")).exists();
  }

  private static String[] args(int port, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "devnet",
                "--port",
                Integer.toString(port),
                "--operators",
                "1",
                "--blocks",
                "1",
                "--cvm-span",
                "2",
                "--dashboard-port",
                "0",
                "--deployments-out",
                "target/devnet-it-" + UUID.randomUUID() + ".json"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
