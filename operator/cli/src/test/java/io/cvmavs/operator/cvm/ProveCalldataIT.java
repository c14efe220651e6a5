package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.localnet.AvsLocalnet;
import io.cvmavs.operator.node.NodeCommand;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;

/**
 * {@code cvm prove --calldata} end to end on anvil: a registered operator's node answers a task for
 * the fixture's manuscript, the aggregator lands the response; the CLI rebuilds the block from the
 * chain, reads the task's {@code TaskResponded} event and prints calldata, and an {@code eth_call}
 * of the deployed {@code CvmAttestedRecords.verifyAttestedRecord} returns true — false once the
 * response's state root or the task index in the calldata is changed.
 */
@WithAnvil
class ProveCalldataIT {
  static final Path ATTESTED_RECORDS_ARTIFACT =
      Path.of("../../contracts/out/CvmAttestedRecords.sol/CvmAttestedRecords.json");

  @TempDir Path dir;

  @Test
  void calldataOfARespondedTaskVerifiesOnChainAndATamperedOneDoesNot(AnvilNode anvil)
      throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "prove-calldata");
    CvmTask task;
    try (AggregatorCommand.Running aggregator = net.startAggregator(0)) {
      // No --manuscript (issue 14): the node resolves the task's manuscript through the registry
      // and reads it from its registered file:// locator.
      Path config = net.registerResolvingOperator(1, aggregator.port());
      try (NodeCommand.Running node =
          NodeCommand.start(
              OperatorConfigLoader.load(config),
              AvsLocalnet.operatorKey(1),
              net.registryNodeOptions(Duration.ofMillis(500), true))) {
        // the first CVM block whose range holds some of the registration's token transfers
        long head = net.reader().blockNumber();
        long h = 0;
        while (net.generatorCvm().rangeEnd(h) < head
            && net.generatorCvm().block(h).datasets().get("token_transfers").size() == 0) {
          h++;
        }
        task = net.createTask(h);
        net.awaitResponded(task);
      }
    }
    CvmBlock block = net.generatorCvm().block(task.cvmBlockHeight());
    assertThat(block.datasets().get("token_transfers").size())
        .as("the registration's token transfers in CVM block %d's range", task.cvmBlockHeight())
        .isPositive();
    long from = block.header().input().fromBlock();
    long to = block.header().input().toBlock();
    Path manuscript = dir.resolve("manuscript.yaml");
    Files.write(manuscript, AvsLocalnet.MANUSCRIPT);

    String calldata =
        net.cli(
                "cvm",
                "prove",
                manuscript.toString(),
                "--rpc",
                anvil.rpcUrl(),
                "--data",
                dir.resolve("prove-data").toString(),
                "--from",
                String.valueOf(from),
                "--to",
                String.valueOf(to),
                "--dataset",
                "token_transfers",
                "--index",
                "0",
                "--calldata",
                "--task-manager",
                net.taskManager(),
                "--task-index",
                String.valueOf(task.taskIndex()),
                "--from-block",
                String.valueOf(net.deploymentBlock()))
            .trim();
    assertThat(calldata).startsWith("0x4dfdb963");

    String attested = deployAttestedRecords(anvil);
    assertThat(ethCall(anvil, attested, calldata)).as("the attested record").isTrue();

    // selector 4 bytes, taskManager word, then TaskResponse: taskIndex, cvmBlockHash, datasetRoot,
    // stateRoot (static tuple, in place)
    byte[] data = HexFormat.of().parseHex(calldata.substring(2));
    byte[] stateRoot = data.clone();
    stateRoot[4 + 32 + 3 * 32 + 5] ^= 1;
    assertThat(ethCall(anvil, attested, hex(stateRoot))).as("changed stateRoot").isFalse();
    byte[] taskIndex = data.clone();
    taskIndex[4 + 32 + 31] ^= 1;
    assertThat(ethCall(anvil, attested, hex(taskIndex))).as("another task").isFalse();
  }

  static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  /** Deploys the forge-built CvmAttestedRecords from anvil's unlocked account 0. */
  static String deployAttestedRecords(AnvilNode anvil) throws Exception {
    String bytecode =
        new ObjectMapper()
            .readTree(ATTESTED_RECORDS_ARTIFACT.toFile())
            .path("bytecode")
            .path("object")
            .asText();
    assertThat(bytecode).startsWith("0x60");
    String from = anvil.account(0).credentials().getAddress();
    var sent =
        anvil
            .web3j()
            .ethSendTransaction(
                Transaction.createContractTransaction(
                    from, null, null, BigInteger.valueOf(3_000_000), BigInteger.ZERO, bytecode))
            .send();
    assertThat(sent.hasError()).as(String.valueOf(sent.getError())).isFalse();
    // The shared anvil may mine on an interval: wait for the receipt instead of reading it once.
    var receipt =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    anvil
                        .web3j()
                        .ethGetTransactionReceipt(sent.getTransactionHash())
                        .send()
                        .getTransactionReceipt(),
                java.util.Optional::isPresent);
    assertThat(receipt.get().isStatusOK()).isTrue();
    return receipt.get().getContractAddress();
  }

  static boolean ethCall(AnvilNode anvil, String to, String data) throws Exception {
    String from = anvil.account(0).credentials().getAddress();
    var result =
        anvil
            .web3j()
            .ethCall(
                Transaction.createEthCallTransaction(from, to, data),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(result.hasError()).as(String.valueOf(result.getError())).isFalse();
    BigInteger word = new BigInteger(result.getValue().substring(2), 16);
    assertThat(word).isIn(BigInteger.ZERO, BigInteger.ONE);
    return word.equals(BigInteger.ONE);
  }
}
