package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.CanonicalDataset;
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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * {@code cvm prove --calldata} end to end on anvil: a registered operator's node answers a task for
 * the fixture's manuscript, the aggregator lands the response; the CLI rebuilds the block from the
 * chain, reads the task's {@code TaskResponded} event and prints calldata, and an {@code eth_call}
 * of the deployed {@code CvmAttestedRecords.verifyAttestedRecord} returns true — false once the
 * response's state root or the task index in the calldata is changed. {@code cvm prove} of the
 * manuscript with a filesystem and a PostgreSQL sink writes neither (issue 16, why 4). A second
 * registered manuscript (per-recipient totals) is attested by a second task; the example consumer
 * {@code CvmTransferTotals} accepts its record 0 in a transaction (storing the total the range's
 * transfers add up to) and reverts on the same record with a digit changed.
 */
@WithAnvil
class ProveCalldataIT {
  static final Path ATTESTED_RECORDS_ARTIFACT =
      Path.of("../../contracts/out/CvmAttestedRecords.sol/CvmAttestedRecords.json");
  static final Path TRANSFER_TOTALS_ARTIFACT =
      Path.of("../../contracts/out/CvmTransferTotals.sol/CvmTransferTotals.json");
  static final String ACCEPT_SELECTOR = "898985e0";

  /** The example consumer's dataset: (address, uint256 total) per recipient of the range. */
  static final byte[] TOTALS_MANUSCRIPT =
      """
      name: transfer_totals
      specVersion: v1.0.0
      sources:
        - name: transfers
          type: dataset
          dataset: eth.token_transfers
      transforms:
        - name: received
          sql: >
            SELECT to_address,
                   CAST(SUM(CAST(`value` AS DECIMAL(38, 0))) AS DECIMAL(38, 0)) AS total
            FROM transfers
            GROUP BY to_address
      sinks:
        - name: totals
          type: dataset
          from: received
          primary_key: [to_address]
      """
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void calldataOfARespondedTaskVerifiesOnChainAndATamperedOneDoesNot(AnvilNode anvil)
      throws Exception {
    AvsLocalnet net = AvsLocalnet.deploy(anvil, dir, "prove-calldata");
    CvmTask task;
    CvmTask totalsTask;
    byte[] totalsHash = net.registerManuscript(TOTALS_MANUSCRIPT, "totals.yaml", true);
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
        totalsTask = net.createTask(h, totalsHash);
        net.awaitResponded(task);
        net.awaitResponded(totalsTask);
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

    // Issue 16, why 4: a proof never writes the manuscript's side-effect sinks. The same
    // manuscript with a filesystem sink and a PostgreSQL sink at a closed port: writing the file
    // would create it, writing the table would fail the command.
    Path sinkFile = dir.resolve("side-effects/transfers.jsonl");
    Path withSinks = dir.resolve("with-sinks.yaml");
    Files.writeString(
        withSinks,
        new String(AvsLocalnet.MANUSCRIPT, java.nio.charset.StandardCharsets.UTF_8)
            + """
              - name: files
                type: filesystem
                from: transfers
                path: %s
              - name: table
                type: postgres
                from: transfers
                database: test
                table: transfers
                primary_key: [block_number, log_index]
                config: {host: 127.0.0.1, port: 1}
            """
                .formatted(sinkFile));
    String proof =
        net.cli(
            "cvm",
            "prove",
            withSinks.toString(),
            "--data",
            dir.resolve("prove-data").toString(),
            "--from",
            String.valueOf(from),
            "--to",
            String.valueOf(to),
            "--dataset",
            "token_transfers",
            "--index",
            "0");
    assertThat(proof).contains("\"token_transfers\"");
    assertThat(sinkFile.getParent()).as("the filesystem sink's directory").doesNotExist();
    assertThat(sinkFile).as("the filesystem sink's file").doesNotExist();

    // Issue 16, done when: the example consumer contract CvmTransferTotals accepts a record of the
    // totals manuscript's attested dataset in a real transaction, and reverts on a tampered one.
    Path totals = dir.resolve("totals.yaml");
    Files.write(totals, TOTALS_MANUSCRIPT);
    String verifyCalldata =
        net.cli(
                "cvm",
                "prove",
                totals.toString(),
                "--data",
                dir.resolve("prove-data").toString(),
                "--from",
                String.valueOf(from),
                "--to",
                String.valueOf(to),
                "--dataset",
                "totals",
                "--index",
                "0",
                "--calldata",
                "--avs-rpc",
                anvil.rpcUrl(),
                "--task-manager",
                net.taskManager(),
                "--task-index",
                String.valueOf(totalsTask.taskIndex()),
                "--from-block",
                String.valueOf(net.deploymentBlock()))
            .trim();
    String consumer =
        deploy(
            anvil,
            TRANSFER_TOTALS_ARTIFACT,
            FunctionEncoder.encodeConstructor(
                List.of(
                    new Address(attested),
                    new Address(net.taskManager()),
                    new Bytes32(totalsHash),
                    new Utf8String("totals"),
                    new Bool(true),
                    new Bool(false))));
    byte[] accept = acceptCalldata(verifyCalldata, totalsTask);

    byte[] tampered = accept.clone();
    // the record is the last dynamic argument (head word 8); its last byte is a digit of the total
    int record = // from the start of the arguments, after the selector
        new BigInteger(1, Arrays.copyOfRange(accept, 4 + 8 * 32, 4 + 9 * 32)).intValueExact();
    int recordLength =
        new BigInteger(1, Arrays.copyOfRange(accept, 4 + record, 4 + record + 32)).intValueExact();
    tampered[4 + record + 32 + recordLength - 1] ^= 1;
    assertThat(send(anvil, consumer, hex(tampered)).isStatusOK())
        .as("accept of a tampered record reverts")
        .isFalse();

    TransactionReceipt accepted = send(anvil, consumer, hex(accept));
    assertThat(accepted.isStatusOK()).as("accept of the attested record").isTrue();
    assertThat(accepted.getLogs()).hasSize(1);
    String account = "0x" + accepted.getLogs().get(0).getTopics().get(1).substring(26);
    BigInteger expected = BigInteger.ZERO;
    CanonicalDataset transfers = block.datasets().get("token_transfers");
    int toColumn = transfers.columns().indexOf("to_address");
    int valueColumn = transfers.columns().indexOf("value");
    for (int i = 0; i < transfers.size(); i++) {
      if (account.equalsIgnoreCase((String) transfers.row(i)[toColumn])) {
        expected = expected.add(new BigInteger((String) transfers.row(i)[valueColumn]));
      }
    }
    assertThat(expected).as("%s's transfers in the range", account).isPositive();
    // totals(account) = (total, taskIndex, known)
    String stored =
        ethCallRaw(
            anvil,
            consumer,
            FunctionEncoder.encode(
                new Function("totals", List.of(new Address(account)), List.of())));
    assertThat(new BigInteger(stored.substring(2, 66), 16))
        .as("the accepted total")
        .isEqualTo(expected);
    assertThat(new BigInteger(stored.substring(66, 130), 16).longValueExact())
        .isEqualTo(totalsTask.taskIndex());
  }

  /**
   * {@code CvmTransferTotals.accept(task, response, meta, datasetProof, recordProof, record)} from
   * the {@code verifyAttestedRecord(taskManager, response, ...)} calldata of {@code cvm prove}:
   * both heads are 9 words (the task is dynamic, an offset like the address word it replaces), so
   * the task's tuple goes after the other tails and word 0 points at it.
   */
  static byte[] acceptCalldata(String verifyCalldata, CvmTask task) {
    byte[] verify = HexFormat.of().parseHex(verifyCalldata.substring(2));
    byte[] encodedTask =
        HexFormat.of()
            .parseHex(
                FunctionEncoder.encodeConstructor(List.of(TaskManagerAbi.TaskStruct.of(task))));
    byte[] taskTuple = Arrays.copyOfRange(encodedTask, 32, encodedTask.length); // after its offset
    byte[] out = Arrays.copyOf(verify, verify.length + taskTuple.length);
    System.arraycopy(HexFormat.of().parseHex(ACCEPT_SELECTOR), 0, out, 0, 4);
    byte[] offset = Numeric.toBytesPadded(BigInteger.valueOf(verify.length - 4), 32);
    System.arraycopy(offset, 0, out, 4, 32);
    System.arraycopy(taskTuple, 0, out, verify.length, taskTuple.length);
    return out;
  }

  static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }

  /** Deploys the forge-built CvmAttestedRecords from anvil's unlocked account 0. */
  static String deployAttestedRecords(AnvilNode anvil) throws Exception {
    return deploy(anvil, ATTESTED_RECORDS_ARTIFACT, "");
  }

  /** Deploys a forge-built contract with ABI-encoded constructor arguments from account 0. */
  static String deploy(AnvilNode anvil, Path artifact, String constructorArgs) throws Exception {
    String bytecode =
        new ObjectMapper().readTree(artifact.toFile()).path("bytecode").path("object").asText();
    assertThat(bytecode).startsWith("0x6"); // PUSH1 or PUSH2 of the init code
    TransactionReceipt receipt = send(anvil, null, bytecode + constructorArgs);
    assertThat(receipt.isStatusOK()).isTrue();
    return receipt.getContractAddress();
  }

  /** Sends {@code data} to {@code to} (a deployment when null) from account 0; its receipt. */
  static TransactionReceipt send(AnvilNode anvil, String to, String data) throws Exception {
    String from = anvil.account(0).credentials().getAddress();
    BigInteger gas = BigInteger.valueOf(3_000_000);
    Transaction tx =
        to == null
            ? Transaction.createContractTransaction(from, null, null, gas, BigInteger.ZERO, data)
            : Transaction.createFunctionCallTransaction(from, null, null, gas, to, data);
    var sent = anvil.web3j().ethSendTransaction(tx).send();
    assertThat(sent.hasError()).as(String.valueOf(sent.getError())).isFalse();
    // The shared anvil may mine on an interval: wait for the receipt instead of reading it once.
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                anvil
                    .web3j()
                    .ethGetTransactionReceipt(sent.getTransactionHash())
                    .send()
                    .getTransactionReceipt(),
            java.util.Optional::isPresent)
        .get();
  }

  static String ethCallRaw(AnvilNode anvil, String to, String data) throws Exception {
    String from = anvil.account(0).credentials().getAddress();
    var result =
        anvil
            .web3j()
            .ethCall(
                Transaction.createEthCallTransaction(from, to, data),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(result.hasError()).as(String.valueOf(result.getError())).isFalse();
    return result.getValue();
  }

  static boolean ethCall(AnvilNode anvil, String to, String data) throws Exception {
    String result = ethCallRaw(anvil, to, data);
    BigInteger word = new BigInteger(result.substring(2), 16);
    assertThat(word).isIn(BigInteger.ZERO, BigInteger.ONE);
    return word.equals(BigInteger.ONE);
  }
}
