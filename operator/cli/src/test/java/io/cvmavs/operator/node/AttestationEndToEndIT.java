package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.signer.AttestationRequest;
import io.cvmavs.operator.signer.BlsAttestationSigner;
import io.cvmavs.operator.signer.SlashingProtectedSigner;
import io.cvmavs.operator.signer.SlashingProtectionException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * The whole slice on a real anvil with the real contracts: three operators registered through
 * {@code cvm-avs operator register}, the aggregator and three nodes in-process (the same assembly
 * as the commands), tasks created by the task generator from CVM blocks it builds itself. Checks:
 * every task gets a {@code TaskResponded} signed by all three; a node stopped mid-run and restarted
 * backfills the task it missed and never signs a different response; garbage sent to the aggregator
 * is answered with the right error codes and does not stop it.
 */
@WithAnvil
class AttestationEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = AvsLocalnet.WAIT;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void threeOperatorsAttestCvmBlocksThroughRestartsAndGarbage(AnvilNode anvil) throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "e2e");
    long deploymentBlock = net.deploymentBlock();
    byte[] manuscriptHash = AvsLocalnet.MANUSCRIPT_HASH;

    // Aggregator (account 9) first: operators need its URL.
    AggregatorCommand.Running aggregator = net.startAggregator(0);
    URI aggregatorUrl = URI.create("http://127.0.0.1:" + aggregator.port() + "/");

    // Three operators: keys, operator.yaml, `operator register` (twice for the first: idempotent).
    List<BlsKeyPair> keys = new ArrayList<>();
    List<Path> configs = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      keys.add(AvsLocalnet.operatorKey(i));
      configs.add(net.registerOperator(i, aggregator.port()));
    }
    String again =
        net.cli(
            "operator",
            "register",
            "--config",
            configs.get(0).toString(),
            "--deposit",
            "100ether",
            "--c-stake",
            "50ether",
            "--devnet-fund");
    assertThat(again)
        .doesNotContain("done ")
        .contains("skipped  registerAsOperator")
        .contains("skipped  registerForOperatorSets");
    JsonNode status =
        JSON.readTree(net.cli("operator", "status", "--config", configs.get(0).toString()));
    assertThat(status.path("registered").asBoolean()).isTrue();
    assertThat(status.path("operator_id").asText())
        .isEqualTo(Bytes32.hex(keys.get(0).operatorId()));
    assertThat(status.path("quorums").get(0).path("active").asBoolean()).isTrue();
    assertThat(new BigInteger(status.path("quorums").get(0).path("stake").asText()))
        .isEqualTo(new BigInteger("150000000000000000000"));
    assertThat(new BigInteger(status.path("allocation").path("slashable_stake").asText()))
        .isPositive();
    assertThat(status.path("slashed").asBoolean()).isFalse();

    // Nodes.
    NodeCommand.Options options = net.nodeOptions(Duration.ofMillis(500), true);
    List<NodeCommand.Running> nodes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      nodes.add(NodeCommand.start(OperatorConfigLoader.load(configs.get(i)), keys.get(i), options));
    }

    // Task generator (account 0) builds CVM blocks from its own copy of the chain data.
    String tm = net.taskManager();
    TaskManagerReader reader = net.reader();
    AvsLocalnet.GeneratorCvm generatorCvm = net.generatorCvm();
    List<CvmTask> tasks = new ArrayList<>();
    List<Long> latencies = new ArrayList<>();
    try {
      for (long h = 0; h < 3; h++) {
        CvmTask task = net.createTask(h);
        long created = System.nanoTime();
        tasks.add(task);
        net.awaitResponded(task);
        latencies.add((System.nanoTime() - created) / 1_000_000);
      }
      long head = reader.blockNumber();
      List<TaskManagerAbi.TaskResponded> responded = reader.responses(deploymentBlock, head);
      assertThat(responded).hasSize(3);
      for (TaskManagerAbi.TaskResponded r : responded) {
        assertThat(r.hashOfNonSigners())
            .as("no non-signers")
            .isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of()));
        assertThat(r.signedStakeForQuorum()).isEqualTo(r.totalStakeForQuorum());
        CvmTask t = tasks.get((int) r.taskIndex());
        assertThat(r.response()).isEqualTo(generatorCvm.compute(t));
      }

      // Stop node 3; a task it misses stays below the 67 % threshold with two signers of three.
      nodes.get(2).close();
      CvmTask missed = net.createTask(3);
      await().atMost(WAIT).until(() -> signers(aggregatorUrl, missed.taskIndex()) == 2);

      // Garbage while the task is open: every refusal has its own code; the aggregator stays up.
      TaskResponse right = generatorCvm.compute(missed);
      String op1 = Bytes32.hex(keys.get(0).operatorId());
      String op3 = Bytes32.hex(keys.get(2).operatorId());
      byte[] rightDigest = TaskManagerAbi.responseDigest(anvil.chainId(), tm, right);
      assertThat(errorCode(post(aggregatorUrl, "{not json"))).isEqualTo(RpcError.PARSE_ERROR.code);
      assertThat(errorCode(rpc(aggregatorUrl, "aggregator_nope", "{}")))
          .isEqualTo(RpcError.METHOD_NOT_FOUND.code);
      assertThat(errorCode(submit(aggregatorUrl, missed.taskIndex(), right, op1, "0x0102")))
          .isEqualTo(RpcError.BAD_POINT.code);
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      missed.taskIndex(),
                      right,
                      op1,
                      "0x" + "00".repeat(31) + "01" + "00".repeat(31) + "03")))
          .isEqualTo(RpcError.BAD_POINT.code);
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      missed.taskIndex(),
                      right,
                      "0x" + "ab".repeat(32),
                      hex(keys.get(0).sign(rightDigest).toBytes()))))
          .isEqualTo(RpcError.UNKNOWN_OPERATOR.code);
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      missed.taskIndex(),
                      right,
                      op3,
                      hex(keys.get(0).sign(rightDigest).toBytes()))))
          .isEqualTo(RpcError.BAD_SIGNATURE.code);
      TaskResponse otherTask =
          new TaskResponse(
              missed.taskIndex() + 7, right.cvmBlockHash(), right.datasetRoot(), right.stateRoot());
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      missed.taskIndex(),
                      otherTask,
                      op1,
                      hex(keys.get(0).sign(rightDigest).toBytes()))))
          .isEqualTo(RpcError.WRONG_RESPONSE.code);
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      missed.taskIndex(),
                      right,
                      op1,
                      hex(keys.get(0).sign(rightDigest).toBytes()))))
          .isEqualTo(RpcError.DUPLICATE_SIGNATURE.code);
      TaskResponse forged =
          new TaskResponse(
              missed.taskIndex(),
              Hash.sha3(new byte[] {9}),
              right.datasetRoot(),
              right.stateRoot());
      byte[] forgedSig =
          keys.get(0).sign(TaskManagerAbi.responseDigest(anvil.chainId(), tm, forged)).toBytes();
      assertThat(errorCode(submit(aggregatorUrl, missed.taskIndex(), forged, op1, hex(forgedSig))))
          .isEqualTo(RpcError.EQUIVOCATION.code);
      assertThat(aggregator.aggregator().equivocationEvidence()).hasSize(1);
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      999,
                      new TaskResponse(
                          999, right.cvmBlockHash(), right.datasetRoot(), right.stateRoot()),
                      op1,
                      hex(forgedSig))))
          .isEqualTo(RpcError.UNKNOWN_TASK.code);
      TaskResponse old = generatorCvm.compute(tasks.get(0));
      assertThat(
              errorCode(
                  submit(
                      aggregatorUrl,
                      0,
                      old,
                      op1,
                      hex(
                          keys.get(0)
                              .sign(TaskManagerAbi.responseDigest(anvil.chainId(), tm, old))
                              .toBytes()))))
          .isEqualTo(RpcError.TASK_EXPIRED.code);
      assertThat(errorCode(rpc(aggregatorUrl, "aggregator_submitSignature", "{\"taskIndex\":-1}")))
          .isEqualTo(RpcError.INVALID_PARAMS.code);
      List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
      SecureRandom random = new SecureRandom();
      for (int i = 0; i < 60; i++) {
        byte[] junk = new byte[64];
        random.nextBytes(junk);
        flood.add(
            http.sendAsync(
                request(aggregatorUrl, submitBody(missed.taskIndex(), right, op3, hex(junk))),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : flood) {
        int code = errorCode(f.join().body());
        assertThat(code).isIn(RpcError.BAD_POINT.code, RpcError.BAD_SIGNATURE.code);
      }
      assertThat(signers(aggregatorUrl, missed.taskIndex())).isEqualTo(2);

      // Restart the aggregator on the same data directory and port: it resumes the open task from
      // disk.
      int port = aggregator.port();
      aggregator.close();
      aggregator = net.startAggregator(port);
      assertThat(signers(aggregatorUrl, missed.taskIndex())).isEqualTo(2);
      assertThat(aggregator.aggregator().equivocationEvidence()).hasSize(1);

      // Restart node 3 with the same data directory: it backfills the missed task and completes it.
      NodeCommand.Running restarted =
          NodeCommand.start(OperatorConfigLoader.load(configs.get(2)), keys.get(2), options);
      nodes.set(2, restarted);
      net.awaitResponded(missed);
      TaskManagerAbi.TaskResponded last =
          reader.responses(missed.taskCreatedBlock(), reader.blockNumber()).get(0);
      assertThat(last.hashOfNonSigners()).isEqualTo(TaskManagerAbi.hashOfNonSigners(List.of()));
      assertThat(last.response()).isEqualTo(right);
      await().atMost(WAIT).until(() -> restarted.node().outcomes().containsKey(missed.taskIndex()));
      assertThat(restarted.node().outcomes().get(missed.taskIndex()).outcome())
          .isIn("signed", "already-responded");

      // Its slashing-protection record survived the restart: a different response to an earlier
      // task is refused.
      SlashingProtectedSigner guard =
          new SlashingProtectedSigner(
              new BlsAttestationSigner(keys.get(2)), restarted.protection());
      assertThatThrownBy(
              () ->
                  guard.sign(
                      AttestationRequest.of(
                          anvil.chainId(),
                          tm,
                          new TaskResponse(
                              tasks.get(0).taskIndex(),
                              Hash.sha3(new byte[] {1}),
                              new byte[32],
                              new byte[32]))))
          .isInstanceOf(SlashingProtectionException.class);

      long gas =
          JSON.readTree(rpc(aggregatorUrl, "aggregator_taskStatus", "{\"taskIndex\":0}"))
              .path("result")
              .path("gasUsed")
              .asLong();
      assertThat(gas).isPositive();
      System.out.println(
          "[e2e] NewTaskCreated -> TaskResponded latency ms (3 operators, automine): "
              + latencies
              + "; respondToTask gas: "
              + gas);
    } finally {
      for (NodeCommand.Running n : nodes) {
        n.close();
      }
      aggregator.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  private int signers(URI url, long taskIndex) throws Exception {
    JsonNode r =
        JSON.readTree(rpc(url, "aggregator_taskStatus", "{\"taskIndex\":" + taskIndex + "}"));
    int n = 0;
    for (JsonNode c : r.path("result").path("signersByDigest")) {
      n = Math.max(n, c.asInt());
    }
    return n;
  }

  private static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  private static String submitBody(
      long taskIndex, TaskResponse r, String operatorId, String signature) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"aggregator_submitSignature\",\"params\":{\"taskIndex\":"
        + taskIndex
        + ",\"response\":{\"referenceTaskIndex\":"
        + r.referenceTaskIndex()
        + ",\"cvmBlockHash\":\""
        + Bytes32.hex(r.cvmBlockHash())
        + "\",\"datasetRoot\":\""
        + Bytes32.hex(r.datasetRoot())
        + "\",\"stateRoot\":\""
        + Bytes32.hex(r.stateRoot())
        + "\"},\"operatorId\":\""
        + operatorId
        + "\",\"signature\":\""
        + signature
        + "\"}}";
  }

  private String submit(
      URI url, long taskIndex, TaskResponse r, String operatorId, String signature)
      throws Exception {
    return post(url, submitBody(taskIndex, r, operatorId, signature));
  }

  private String rpc(URI url, String method, String params) throws Exception {
    return post(
        url,
        "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"" + method + "\",\"params\":" + params + "}");
  }

  private static HttpRequest request(URI url, String body) {
    return HttpRequest.newBuilder(url)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private String post(URI url, String body) throws Exception {
    return http.send(request(url, body), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int errorCode(String body) throws Exception {
    JsonNode n = JSON.readTree(body);
    assertThat(n.has("error")).as(body).isTrue();
    return n.path("error").path("code").asInt();
  }
}
