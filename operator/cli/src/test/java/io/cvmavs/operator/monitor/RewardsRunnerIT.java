package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.rewards.OperatorRewards;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsSubmission;
import io.cvmavs.chain.rewards.RewardsWriter;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.registration.OperatorStatus;
import io.cvmavs.operator.registration.RegistrationContracts;
import io.cvmavs.operator.rewards.RewardsCommand;
import io.cvmavs.operator.rewards.RewardsException;
import io.cvmavs.operator.rewards.RewardsProgress;
import io.cvmavs.operator.rewards.RewardsRunner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21, the periodic rewards runner ({@code cvm-avs rewards run}) on anvil with real BLS
 * responses: it releases the escrowed fees of responded tasks, submits one operator-directed
 * submission split by signed stake (the operator slashed for equivocation gets nothing), posts the
 * root, and never submits twice — not on the next step, and not after its progress file is lost (it
 * reads the chain's submissions first). {@code operator status} and the monitor's {@code
 * /api/operators} show the rewards {@code cvm-avs rewards} reports.
 */
@WithAnvil
class RewardsRunnerIT {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);

  @TempDir Path dir;

  @Test
  void eachPeriodIsSubmittedOnceAndTheFaultyOperatorGetsNothing(AnvilNode anvil) throws Exception {
    try (MonitorFixture chain = new MonitorFixture(anvil, dir)) {
      RewardsContracts at =
          new RewardsContracts(
              chain.deployments.address("CvmServiceManager"),
              chain.deployments.address("RewardsCoordinator"),
              chain.deployments.address("CvmTaskFees"));
      String cToken = chain.deployments.address("CToken").toLowerCase(java.util.Locale.ROOT);
      Transactor deployer =
          Transactor.of(anvil.web3j(), anvil.account(0).credentials(), anvil.chainId());
      RewardsWriter writer = new RewardsWriter(deployer, at);
      RewardsReader reader = new RewardsReader(deployer.reader(), at);
      StakingWriter tokens = new StakingWriter(deployer, chain.deployments.address("CStaking"));
      tokens.mint(cToken, deployer.address(), E18.multiply(BigInteger.valueOf(10)));
      tokens.approve(cToken, at.taskFees(), E18.multiply(BigInteger.valueOf(10)));
      String collector = anvil.account(5).address();

      // Three tasks with 1 $C each: all sign the first, operator 3 misses the second; operator 3
      // equivocates on the first and is slashed (faulty), so only operators 1 and 2 are paid.
      CvmTask t0 = chain.createTask(0);
      writer.escrow(t0, cToken, E18, collector);
      chain.respond(t0, 0, 1, 2);
      CvmTask t1 = chain.createTask(1);
      writer.escrow(t1, cToken, E18, collector);
      chain.respond(t1, 0, 1);
      chain.slashEquivocation(t0, 2);
      anvil.increaseTime(30);
      anvil.mine(1);

      Path progress = dir.resolve("rewards").resolve("progress.json");
      RewardsRunner runner = runner(anvil, chain, at, writer, progress);
      RewardsRunner.Outcome first = runner.step();
      assertThat(first.feesReleased()).isEqualTo(2);
      RewardsSubmission sent = first.submitted().orElseThrow();
      Map<String, BigInteger> paid =
          sent.rewards().stream()
              .collect(
                  Collectors.toMap(
                      RewardsSubmission.OperatorReward::operator,
                      RewardsSubmission.OperatorReward::amount));
      assertThat(paid)
          .containsOnlyKeys(chain.addresses.get(0), chain.addresses.get(1))
          .containsEntry(chain.addresses.get(0), E18)
          .containsEntry(chain.addresses.get(1), E18);
      assertThat(reader.feeTotals(cToken))
          .isEqualTo(
              new RewardsReader.FeeTotals(
                  E18.multiply(BigInteger.TWO),
                  E18.multiply(BigInteger.TWO),
                  BigInteger.ZERO,
                  BigInteger.ZERO));
      assertThat(reader.tokenBalance(cToken, at.serviceManager())).isZero();
      assertThat(first.root()).isPresent();
      assertThat(reader.distributionRootsLength()).isEqualTo(1);
      assertThat(reader.currRewardsCalculationEndTimestamp())
          .isEqualTo(first.period().orElseThrow().end());

      // `operator status` shows the same rewards as `cvm-avs rewards`: an honest operator earned
      // its 1 $C, the faulty one nothing; without the rewards addresses, "rewards": null.
      OperatorRewards.Source rewardsAt =
          new OperatorRewards.Source(at, cToken, chain.deploymentBlock());
      for (int i : new int[] {0, 2}) {
        String op = chain.addresses.get(i);
        JsonNode shown =
            OperatorStatus.read(registration(chain), deployer.reader(), op, Optional.of(rewardsAt))
                .get("rewards");
        ObjectNode reported =
            RewardsCommand.report(reader, at, op, cToken, chain.deploymentBlock());
        for (String f : List.of("token", "earned", "claimed", "unclaimed")) {
          assertThat(shown.get(f)).as(f + " of operator " + i).isEqualTo(reported.get(f));
        }
        assertThat(new BigInteger(shown.get("earned").asText()))
            .isEqualTo(i == 0 ? E18 : BigInteger.ZERO);
      }
      assertThat(
              OperatorStatus.read(registration(chain), deployer.reader(), chain.addresses.get(0))
                  .get("rewards")
                  .isNull())
          .isTrue();

      // The monitor's /api/operators (rewards read from the chain once per refresh) shows them too.
      try (MonitorService monitor =
          MonitorService.startForDevnet(
              URI.create(anvil.rpcUrl()),
              chain.deploymentFile,
              dir.resolve("monitor"),
              "127.0.0.1",
              0,
              List.of())) {
        URI api = monitor.dashboardUrl().orElseThrow().resolve("api/operators");
        HttpClient http = HttpClient.newHttpClient();
        await()
            .atMost(MonitorFixture.WAIT)
            .untilAsserted(
                () -> {
                  JsonArray ops =
                      new JsonArray(
                          http.send(
                                  HttpRequest.newBuilder(api).build(),
                                  HttpResponse.BodyHandlers.ofString())
                              .body());
                  for (int i : new int[] {0, 2}) {
                    String op = chain.addresses.get(i);
                    JsonObject rewards =
                        ops.stream()
                            .map(JsonObject.class::cast)
                            .filter(o -> op.equalsIgnoreCase(o.getString("operator")))
                            .findFirst()
                            .orElseThrow()
                            .getJsonObject("rewards");
                    assertThat(rewards).as("rewards of operator " + i).isNotNull();
                    ObjectNode reported =
                        RewardsCommand.report(reader, at, op, cToken, chain.deploymentBlock());
                    for (String f : List.of("token", "earned", "claimed", "unclaimed")) {
                      assertThat(rewards.getString(f))
                          .as(f + " of operator " + i)
                          .isEqualTo(reported.get(f).asText());
                    }
                  }
                });
      }
      RewardsProgress saved = RewardsProgress.load(progress).orElseThrow();
      assertThat(saved.lastPeriodEnd()).isEqualTo(first.period().orElseThrow().end());

      // The next period: nothing new to pay, nothing sent.
      anvil.increaseTime(20);
      anvil.mine(1);
      RewardsRunner.Outcome second = runner.step();
      assertThat(second.submitted()).isEmpty();
      assertThat(second.feesReleased()).isZero();

      // Progress lost (as if the process died after sending, before writing): the chain's
      // submissions say where it stands, so the first period (whose tasks would earn the new
      // pool) is not submitted again.
      tokens.mint(cToken, at.serviceManager(), E18);
      Files.delete(progress);
      RewardsRunner.Outcome again = runner(anvil, chain, at, writer, progress).step();
      assertThat(again.submitted()).isEmpty();
      assertThat(again.period().map(p -> p.start()).orElse(Long.MAX_VALUE))
          .isGreaterThanOrEqualTo(first.period().orElseThrow().end());
      assertThat(reader.submissions(at.serviceManager(), chain.deploymentBlock(), reader.head()))
          .hasSize(1);

      // A progress file of another deployment is refused, naming the file.
      new RewardsProgress(anvil.chainId() + 1, at.serviceManager(), 0, 0).save(progress);
      assertThatThrownBy(() -> runner(anvil, chain, at, writer, progress).step())
          .isInstanceOf(RewardsException.class)
          .hasMessageContaining(progress.toString())
          .hasMessageContaining("belongs to chain " + (anvil.chainId() + 1));
    }
  }

  private static RegistrationContracts registration(MonitorFixture chain) {
    var d = chain.deployments;
    return new RegistrationContracts(
        d.address("DelegationManager"),
        d.address("StrategyManager"),
        d.address("AllocationManager"),
        d.address("Strategy"),
        d.address("UnderlyingToken"),
        d.address("CToken"),
        d.address("CStaking"),
        d.address("CvmServiceManager"),
        d.address("CvmRegistry"),
        d.address("CvmTaskManager"),
        0);
  }

  private static RewardsRunner runner(
      AnvilNode anvil,
      MonitorFixture chain,
      RewardsContracts at,
      RewardsWriter writer,
      Path progress) {
    Transactor deployer =
        Transactor.of(anvil.web3j(), anvil.account(0).credentials(), anvil.chainId());
    return new RewardsRunner(
        deployer.reader(),
        at,
        writer,
        new RpcMonitorChain(
            URI.create(anvil.rpcUrl()),
            chain.deployments.address("CvmRegistry"),
            chain.deployments.address("CvmTaskManager"),
            chain.deploymentBlock()),
        chain.reader,
        new RewardsRunner.Settings(
            0,
            chain.deployments.address("CToken"),
            List.of(
                new RewardsSubmission.StrategyMultiplier(
                    chain.deployments.address("Strategy"), E18)),
            chain.deploymentBlock(),
            true),
        progress,
        deployer::hasPending);
  }
}
