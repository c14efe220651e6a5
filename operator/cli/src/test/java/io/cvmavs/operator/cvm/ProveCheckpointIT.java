package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.consensus.devnet.CvmChainNet;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.anvil.WithAnvil;
import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.relayer.CvmChainFixture;
import io.cvmavs.operator.relayer.Relayer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;

/**
 * {@code cvm prove-checkpoint} end to end: the deploy script's contracts on anvil, four real {@code
 * CvmChainApp}s behind the local consensus driver finalising a CVM block per height (a
 * deterministic engine stands in for Flink: the records are real canonical datasets, two per block,
 * the app re-checks every root), the real relayer landing their checkpoints; the CLI's calldata
 * makes the deployed {@code CvmCheckpointVerifier.verifyDatasetRecord} return true and the entry
 * point {@code CvmRecordVerifier.verifyRecord} answer Checkpoint, and false / None once the record,
 * the dataset proof or the accumulator proof is changed; the example consumer accepts it through
 * the entry point; a CVM block no accepted checkpoint covers yet is refused with the heights named.
 */
@WithAnvil
class ProveCheckpointIT {
  private static final CvmChainFixture CHAIN = new CvmChainFixture("prove IT", 8100);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CONSUMER_ARTIFACT =
      Path.of("../../contracts/out/CvmRecordConsumer.sol/CvmRecordConsumer.json");

  @TempDir Path dir;

  @Test
  void aRecordOfARelayedCvmBlockVerifiesOnEthereumAndTamperedOnesDoNot(AnvilNode anvil)
      throws Exception {
    Deployments d = CHAIN.deployWithGenesisSet(anvil);
    String checkpoints = d.address("CvmCheckpoints");
    String verifier = d.address("CvmCheckpointVerifier");
    String recordVerifier = d.address("CvmRecordVerifier");

    try (CvmChainNet chain = startChain()) {
      for (int i = 0; i < 6; i++) { // heights 1..6: CVM block k finalised at height k + 2
        assertThat(chain.step()).isPresent();
      }
      Relayer relayer =
          CvmChainFixture.relayer(anvil, 1, checkpoints, dir.resolve("relayer"), 1, chain.rpc());
      assertThat(relayer.step()).hasSize(5); // checkpoints of heights 1..5: indices 0..4
      assertThat(CvmChainFixture.checkpointsReader(anvil, checkpoints).latestHeight()).isEqualTo(5);

      // CVM block 1 was finalised at height 3: the first checkpoint covering it is height 4.
      String[] args = {
        "cvm",
        "prove-checkpoint",
        "--cvm-rpc",
        chain.rpc().toString(),
        "--eth-rpc",
        anvil.rpcUrl(),
        "--checkpoints",
        checkpoints,
        "--verifier",
        verifier,
        "--record-verifier",
        recordVerifier,
        "--cvm-height",
        "1",
        "--dataset",
        "transfers",
        "--index",
        "2"
      };
      Run ok = cli(args);
      assertThat(ok.exit).as(ok.err).isZero();
      JsonNode proof = JSON.readTree(ok.out);
      assertThat(proof.get("checkpointIndex").asLong()).isEqualTo(3);
      assertThat(proof.get("checkpoint").get("height").asLong()).isEqualTo(4);
      assertThat(proof.get("block").get("finalizedHeight").asLong()).isEqualTo(3);
      assertThat(proof.get("leafCount").asLong()).isEqualTo(5);
      assertThat(proof.get("blockSiblings")).hasSize(1); // CVM blocks 0 and 1 in the accumulator
      // Two datasets, sorted by name: "counts" then "transfers" (leaf 1 of 2, one sibling).
      JsonNode dp = proof.get("datasetProof");
      assertThat(proof.get("version").asInt()).isEqualTo(2);
      assertThat(dp.get("name").asText()).isEqualTo("transfers");
      assertThat(dp.get("recordCount").asLong()).isEqualTo(5);
      assertThat(dp.get("leafIndex").asLong()).isEqualTo(1);
      assertThat(dp.get("leafCount").asLong()).isEqualTo(2);
      assertThat(dp.get("siblings")).hasSize(1);
      assertThat(proof.get("block").get("datasetRoot").asText())
          .isNotEqualTo(dp.get("datasetRoot").asText());
      assertThat(proof.get("calldata").has("verifyRecord"))
          .as("the single-dataset call is not offered for a block with two datasets")
          .isFalse();

      String calldata = proof.get("calldata").get("verifyDatasetRecord").asText();
      assertThat(ethCall(anvil, verifier, calldata)).as("the relayed record").isTrue();
      String entryCall = proof.get("calldata").get("recordVerifier").asText();
      assertThat(ethCallWord(anvil, recordVerifier, entryCall))
          .as("the entry point answers Checkpoint (2)")
          .isEqualTo(BigInteger.TWO);
      assertThat(entryCall).contains(proof.get("anchor").asText().substring(2));
      // A dataset sibling changed: false through both calls.
      String dsSibling = dp.get("siblings").get(0).asText().substring(2);
      int ds = calldata.indexOf(dsSibling);
      assertThat(ds).isPositive();
      assertThat(ethCall(anvil, verifier, flipHexDigit(calldata, ds + 10)))
          .as("a changed dataset sibling")
          .isFalse();
      int es = entryCall.indexOf(dsSibling);
      assertThat(ethCallWord(anvil, recordVerifier, flipHexDigit(entryCall, es + 10)))
          .as("a changed dataset sibling through the entry point")
          .isEqualTo(BigInteger.ZERO);

      // A record of the other dataset of the same block verifies too.
      Run counts = cli(replace(args, "--dataset", "transfers", "--dataset", "counts"));
      assertThat(counts.exit).as(counts.err).isZero();
      JsonNode countsProof = JSON.readTree(counts.out);
      assertThat(countsProof.get("datasetProof").get("leafIndex").asLong()).isZero();
      assertThat(countsProof.get("block").get("datasetRoot"))
          .isEqualTo(proof.get("block").get("datasetRoot"));
      assertThat(
              ethCallWord(
                  anvil,
                  recordVerifier,
                  countsProof.get("calldata").get("recordVerifier").asText()))
          .isEqualTo(BigInteger.TWO);

      // The same record found by its bytes gives the same proof.
      Run byRecord = cli(replace(args, "--index", "2", "--record", proof.get("record").asText()));
      assertThat(byRecord.exit).as(byRecord.err).isZero();
      assertThat(JSON.readTree(byRecord.out)).isEqualTo(proof);

      // A changed record byte, a changed accumulator sibling: false.
      String record = proof.get("record").asText().substring(2);
      int at = calldata.indexOf(record);
      assertThat(at).isPositive();
      String tamperedRecord = flipHexDigit(calldata, at + record.length() - 1);
      assertThat(ethCall(anvil, verifier, tamperedRecord)).as("a changed record").isFalse();
      String sibling = proof.get("blockSiblings").get(0).asText().substring(2);
      int s = calldata.indexOf(sibling);
      assertThat(s).isPositive();
      assertThat(ethCall(anvil, verifier, flipHexDigit(calldata, s + 10)))
          .as("a changed accumulator sibling")
          .isFalse();

      // The example consumer accepts the record (a transaction) and stores its CVM height.
      String consumer = deploy(anvil, CONSUMER_ARTIFACT, recordVerifier);
      var sent =
          anvil
              .web3j()
              .ethSendTransaction(
                  Transaction.createFunctionCallTransaction(
                      anvil.account(0).credentials().getAddress(),
                      null,
                      null,
                      BigInteger.valueOf(1_000_000),
                      consumer,
                      proof.get("calldata").get("consumerProve").asText()))
              .send();
      assertThat(sent.hasError()).as(String.valueOf(sent.getError())).isFalse();
      var receipt = anvil.awaitReceipt(sent.getTransactionHash(), Duration.ofSeconds(30));
      assertThat(receipt.isStatusOK()).isTrue();
      System.out.println(
          "[gas] CvmRecordConsumer.prove (whole transaction, 2-block accumulator, 2 datasets,"
              + " 5 records): "
              + receipt.getGasUsed());

      // CVM block 4 was finalised at height 6: no accepted checkpoint covers it yet.
      Run notYet = cli(replace(args, "--cvm-height", "1", "--cvm-height", "4"));
      assertThat(notYet.exit).isEqualTo(1);
      assertThat(notYet.err)
          .contains("CVM block 4 (finalised at CVM chain height 6)")
          .contains("not covered by any checkpoint accepted on Ethereum yet")
          .contains("the latest accepted height is 5")
          .contains("a checkpoint of height 7 or more must land first");

      Run noDataset = cli(replace(args, "--dataset", "transfers", "--dataset", "nope"));
      assertThat(noDataset.exit).isEqualTo(1);
      assertThat(noDataset.err)
          .contains("CVM block 1 has no dataset 'nope' (it has [counts, transfers])");
      Run noRecord = cli(replace(args, "--index", "2", "--index", "5"));
      assertThat(noRecord.exit).isEqualTo(1);
      assertThat(noRecord.err).contains("has 5 records; --index 5 is not one of them");
    }
  }

  // ------------------------------------------------------------------ fixtures

  private record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = CvmAvsCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String[] replace(String[] args, String k, String v, String k2, String v2) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(k) && args[i + 1].equals(v)) {
        out.add(k2);
        out.add(v2);
        i++;
      } else {
        out.add(args[i]);
      }
    }
    return out.toArray(String[]::new);
  }

  private static String flipHexDigit(String hex, int at) {
    char c = hex.charAt(at);
    char f = c == '0' ? '1' : '0';
    return hex.substring(0, at) + f + hex.substring(at + 1);
  }

  // One manuscript, CVM block h over Ethereum blocks 1 + 5h .. 5 + 5h; the validators call
  // Ethereum final up to 1000, so a CVM block is due at every height from 2 on.
  private CvmChainNet startChain() throws Exception {
    return CvmChainNet.start(
        CHAIN.settings(1, new FixedEngine(), () -> 1000L, dir.resolve("chain"), null));
  }

  /** Five records per block derived from the range, chained headers; the same for every app. */
  private static final class FixedEngine implements CvmEngine {
    private final Map<Long, CvmBlock> built = new HashMap<>();

    @Override
    public synchronized CvmBlock block(byte[] manuscript, long height, long from, long to) {
      CvmBlock cached = built.get(height);
      if (cached != null) {
        return cached;
      }
      CvmBlockHeader parent =
          height == 0 ? null : block(manuscript, height - 1, from - 5, from - 1).header();
      List<Object[]> rows = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        rows.add(new Object[] {from + i, (long) i, "0x" + Long.toHexString((from + i) * 7919L)});
      }
      CanonicalDataset ds =
          CanonicalDataset.of(
              List.of("block_number", "log_index", "value"),
              List.of("block_number", "log_index"),
              rows);
      DatasetEntry e = new DatasetEntry("transfers", ds.size(), ds.root(), ds.schemaHash());
      List<Object[]> countRows = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        countRows.add(new Object[] {"kind-" + i, from * 10 + i});
      }
      CanonicalDataset counts =
          CanonicalDataset.of(List.of("kind", "n"), List.of("kind"), countRows);
      DatasetEntry c =
          new DatasetEntry("counts", counts.size(), counts.root(), counts.schemaHash());
      byte[] parentState = parent == null ? CvmBlockHeader.ZERO_HASH : parent.stateRoot();
      CvmBlockHeader h =
          new CvmBlockHeader(
              height,
              parent == null ? CvmBlockHeader.ZERO_HASH : parent.hash(),
              new InputCommitment(
                  "eth",
                  from,
                  to,
                  Keccak.hash(ByteBuffer.allocate(16).putLong(from).putLong(to).array())),
              manuscript,
              List.of(c, e),
              CvmBlockHeader.nextStateRoot(parentState, CvmBlockHeader.datasetsRoot(List.of(c, e))),
              1_700_000_000L + to * 12);
      CvmBlock b = new CvmBlock(h, Map.of("counts", counts, "transfers", ds));
      built.put(height, b);
      return b;
    }
  }

  /** Deploys a forge artifact with one address constructor argument from anvil's account 0. */
  private static String deploy(AnvilNode anvil, Path artifact, String arg) throws Exception {
    String bytecode = JSON.readTree(artifact.toFile()).path("bytecode").path("object").asText();
    assertThat(bytecode).startsWith("0x60");
    String data = bytecode + "0".repeat(24) + arg.substring(2).toLowerCase();
    var sent =
        anvil
            .web3j()
            .ethSendTransaction(
                Transaction.createContractTransaction(
                    anvil.account(0).credentials().getAddress(),
                    null,
                    null,
                    BigInteger.valueOf(3_000_000),
                    BigInteger.ZERO,
                    data))
            .send();
    assertThat(sent.hasError()).as(String.valueOf(sent.getError())).isFalse();
    var receipt = anvil.awaitReceipt(sent.getTransactionHash(), Duration.ofSeconds(30));
    assertThat(receipt.isStatusOK()).isTrue();
    return receipt.getContractAddress();
  }

  private static BigInteger ethCallWord(AnvilNode anvil, String to, String data) throws Exception {
    var result =
        anvil
            .web3j()
            .ethCall(
                Transaction.createEthCallTransaction(
                    anvil.account(0).credentials().getAddress(), to, data),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(result.hasError()).as(String.valueOf(result.getError())).isFalse();
    return new BigInteger(result.getValue().substring(2, 66), 16);
  }

  private static boolean ethCall(AnvilNode anvil, String to, String data) throws Exception {
    var result =
        anvil
            .web3j()
            .ethCall(
                Transaction.createEthCallTransaction(
                    anvil.account(0).credentials().getAddress(), to, data),
                DefaultBlockParameterName.LATEST)
            .send();
    assertThat(result.hasError()).as(String.valueOf(result.getError())).isFalse();
    BigInteger word = new BigInteger(result.getValue().substring(2), 16);
    assertThat(word).isIn(BigInteger.ZERO, BigInteger.ONE);
    return word.equals(BigInteger.ONE);
  }

  static String hex(byte[] b) {
    return "0x" + HexFormat.of().formatHex(b);
  }
}
