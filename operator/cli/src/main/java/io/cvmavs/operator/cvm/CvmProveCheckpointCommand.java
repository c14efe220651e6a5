package io.cvmavs.operator.cvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.bridge.CheckpointData;
import io.cvmavs.chain.bridge.CheckpointRecordCalls;
import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.Dataset;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import io.cvmavs.cvm.proof.DatasetRootProof;
import io.cvmavs.cvm.proof.InclusionProof;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.operator.OperatorException;
import io.cvmavs.operator.command.CliCommand;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs cvm prove-checkpoint}: a dataset record of a finalised CVM block, proven against
 * the first checkpoint accepted on Ethereum that covers it (the checkpoint path of docs/PROOFS.md;
 * the AVS-task path is {@code cvm prove --calldata}).
 *
 * <p>Everything comes from the CVM chain and Ethereum, nothing is re-executed: the block's records
 * from the CometBFT block that finalised it (whose header must hash to the block the app stored),
 * the accumulator proof from the app's {@code /cvm/block-proof} query, the checkpoint's index from
 * {@code CheckpointAccepted} events. Every link is verified locally before anything is printed, the
 * checkpoint with {@code isAccepted} on Ethereum, and with {@code --verifier} / {@code
 * --record-verifier} the whole proof with an {@code eth_call} of {@code
 * CvmCheckpointVerifier.verifyDatasetRecord} / {@code CvmRecordVerifier.verifyRecord}. A block with
 * several datasets is proven through its dataset tree (record → dataset root → the block's dataset
 * root → accumulator leaf → cumulative root).
 */
@Command(
    name = "prove-checkpoint",
    mixinStandardHelpOptions = true,
    description = {
      "Prove a dataset record of a finalised CVM block against the first checkpoint accepted on Ethereum that covers it.",
      "Prints JSON: the checkpoint (index and fields), the block reference and its accumulator proof, the record and its proof,",
      "the dataset proof to the block's dataset root, the anchor of CvmRecordVerifier.verifyRecord, and the calldata of",
      "CvmCheckpointVerifier.verifyDatasetRecord (and verifyRecord for a block with one dataset), CvmRecordVerifier.verifyRecord",
      "and the example CvmRecordConsumer.prove."
    })
public final class CvmProveCheckpointCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** A refusal: the inputs do not lead to a proof; the message says which link and why. */
  public static final class Refused extends OperatorException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  @Option(
      names = "--cvm-rpc",
      required = true,
      paramLabel = "URL",
      description = "CometBFT RPC of a CVM chain node.")
  URI cvmRpc;

  @Option(
      names = "--eth-rpc",
      required = true,
      paramLabel = "URL",
      description = "JSON-RPC of the Ethereum chain holding CvmCheckpoints.")
  URI ethRpc;

  @Option(
      names = "--checkpoints",
      required = true,
      paramLabel = "ADDRESS",
      description = "The CvmCheckpoints contract.")
  String checkpoints;

  @Option(
      names = "--verifier",
      paramLabel = "ADDRESS",
      description =
          "A CvmCheckpointVerifier: the proof is also checked with an eth_call of its"
              + " verifyDatasetRecord before it is printed.")
  String verifier;

  @Option(
      names = "--record-verifier",
      paramLabel = "ADDRESS",
      description =
          "A CvmRecordVerifier (the entry point for either anchor): the proof is also checked with"
              + " an eth_call of its verifyRecord, which must answer Checkpoint.")
  String recordVerifier;

  @Option(
      names = "--cvm-height",
      required = true,
      description = "The CVM block: its position in the CVM chain's CVM block sequence (0, 1, …).")
  long cvmHeight;

  @Option(names = "--dataset", required = true, description = "The block's dataset name.")
  String dataset;

  @Option(names = "--index", description = "Record position in canonical order.")
  Integer index;

  @Option(
      names = "--record",
      paramLabel = "0xHEX",
      description = "The record's canonical encoding (its position is looked up).")
  String record;

  @Option(
      names = "--from-block",
      defaultValue = "0",
      description =
          "First Ethereum block to search for CheckpointAccepted events (default: ${DEFAULT-VALUE}).")
  long fromBlock;

  @Override
  public Integer call() throws Exception {
    if ((index == null) == (record == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give exactly one of --index and --record");
    }
    if (cvmHeight < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--cvm-height must be >= 0, got " + cvmHeight);
    }
    try (CometRpcClient cvm = new CometRpcClient(cvmRpc, Duration.ofSeconds(10))) {
      ObjectNode out = prove(cvm, ChainAccess.read(ethRpc, Optional.empty()));
      spec.commandLine()
          .getOut()
          .println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  ObjectNode prove(CometRpcClient cvm, RpcClient eth) throws IOException {
    // 1. The CVM block, and the records of the CometBFT block that finalised it.
    JsonNode stored = query(cvm, "/cvm/block/" + cvmHeight);
    if (!stored.has("finalized_height")) {
      throw new Refused(
          "CVM block "
              + cvmHeight
              + ": the CVM chain node reports no finalized_height (an older app)");
    }
    long finalizedAt = stored.get("finalized_height").asLong();
    byte[] blockHash = hex(stored.get("hash").asText(), "/cvm/block hash");
    CvmBlockTx tx = cvmBlockTx(cvm, finalizedAt);
    if (!Arrays.equals(TxCodec.header(tx).hash(), blockHash)) {
      throw new Refused(
          "the CVM block in CVM chain block "
              + finalizedAt
              + " does not hash to CVM block "
              + cvmHeight
              + "'s stored hash "
              + hexOf(blockHash));
    }
    List<String> names = tx.getDatasetsList().stream().map(Dataset::getName).toList();
    Dataset ds =
        tx.getDatasetsList().stream()
            .filter(d -> d.getName().equals(dataset))
            .findFirst()
            .orElseThrow(
                () ->
                    new Refused(
                        "CVM block "
                            + cvmHeight
                            + " has no dataset '"
                            + dataset
                            + "' (it has "
                            + names
                            + ")"));
    List<byte[]> records = new ArrayList<>(ds.getRecordsCount());
    ds.getRecordsList().forEach(r -> records.add(r.toByteArray()));
    DatasetMerkleTree tree = DatasetMerkleTree.ofRecords(records);
    byte[] datasetRoot = ds.getRoot().toByteArray();
    if (!Arrays.equals(tree.root(), datasetRoot)) {
      throw new Refused(
          "dataset '"
              + dataset
              + "' of CVM block "
              + cvmHeight
              + ": its records do not hash to its root");
    }
    int leafIndex = index != null ? index : find(records);
    if (leafIndex < 0 || leafIndex >= records.size()) {
      throw new Refused(
          "dataset '"
              + dataset
              + "' of CVM block "
              + cvmHeight
              + " has "
              + records.size()
              + " records; --index "
              + leafIndex
              + " is not one of them");
    }
    byte[] rec = records.get(leafIndex);
    InclusionProof recordProof = tree.proof(leafIndex);
    // The dataset's entry in the block's dataset tree, from the header the block hash binds; the
    // block's dataset root (the accumulator leaf's) is what the CVM chain app computes.
    CvmBlockHeader header = TxCodec.header(tx);
    List<DatasetRootProof.Entry> entries =
        header.datasets().stream()
            .map(e -> new DatasetRootProof.Entry(e.name(), e.recordCount(), e.root()))
            .toList();
    DatasetRootProof datasetProof = DatasetRootProof.of(entries, dataset);
    if (!Arrays.equals(datasetProof.datasetRoot(), ds.getRoot().toByteArray())
        || datasetProof.recordCount() != records.size()) {
      throw new Refused(
          "dataset '"
              + dataset
              + "' of CVM block "
              + cvmHeight
              + ": its root or record count differs from the block header's");
    }
    byte[] blockDatasetRoot = CvmTaskComputer.datasetRoot(header);
    if (!datasetProof.verify(blockDatasetRoot)) {
      throw new IllegalStateException("the dataset proof does not reach the block's dataset root");
    }

    // 2. The first accepted, still retained checkpoint covering it: height >= finalizedAt + 1.
    CheckpointsReader reader = new CheckpointsReader(eth, checkpoints);
    String chainId = status(cvm).network();
    if (!Arrays.equals(
        reader.cvmChainId(), Keccak.hash(chainId.getBytes(StandardCharsets.UTF_8)))) {
      throw new Refused(
          "CvmCheckpoints "
              + checkpoints
              + " is not deployed for the CVM chain '"
              + chainId
              + "' (its cvmChainId differs from keccak256 of that id)");
    }
    long count = reader.checkpointCount();
    long oldestRetained = Math.max(0, count - reader.history());
    long head = reader.blockNumber();
    CheckpointsReader.Accepted chosen =
        reader.accepted(fromBlock, head).stream()
            .filter(a -> a.height() >= finalizedAt + 1 && a.index() >= oldestRetained)
            .findFirst()
            .orElseThrow(
                () ->
                    new Refused(
                        "CVM block "
                            + cvmHeight
                            + " (finalised at CVM chain height "
                            + finalizedAt
                            + ") is not covered by any checkpoint accepted on Ethereum yet: the"
                            + " latest accepted height is "
                            + reader.latestHeight()
                            + "; a checkpoint of height "
                            + (finalizedAt + 1)
                            + " or more must land first (searched CheckpointAccepted events in"
                            + " blocks "
                            + fromBlock
                            + "-"
                            + head
                            + ")"));

    // 3. The accumulator proof from the CVM chain app, checked against what Ethereum accepted.
    JsonNode p = query(cvm, "/cvm/block-proof/" + cvmHeight + "/" + chosen.height());
    JsonNode c = p.get("checkpoint");
    CheckpointData cp =
        new CheckpointData(
            c.get("height").asLong(),
            hex(c.get("app_hash").asText(), "app_hash"),
            hex(c.get("cvm_block_hash").asText(), "cvm_block_hash"),
            hex(c.get("cumulative_root").asText(), "cumulative_root"),
            hex(c.get("withdrawals_root").asText(), "withdrawals_root"),
            hex(c.get("next_validator_set_hash").asText(), "next_validator_set_hash"));
    if (cp.height() != chosen.height()
        || !Arrays.equals(cp.cumulativeRoot(), chosen.cumulativeRoot())
        || !reader.isAccepted(chosen.index(), cp)) {
      throw new Refused(
          "the CVM chain node's checkpoint of height "
              + chosen.height()
              + " is not accepted checkpoint "
              + chosen.index()
              + " of "
              + checkpoints
              + " (a node on another chain, or lying)");
    }
    List<byte[]> blockSiblings = new ArrayList<>();
    p.get("siblings").forEach(s -> blockSiblings.add(hex(s.asText(), "siblings")));
    if (!Arrays.equals(hex(p.get("dataset_root").asText(), "dataset_root"), blockDatasetRoot)) {
      throw new Refused(
          "the CVM chain node's dataset root of CVM block "
              + cvmHeight
              + " is not the one its header implies");
    }
    byte[] leaf =
        AbiWords.of().uint(cvmHeight).bytes32(blockHash).bytes32(blockDatasetRoot).keccak();
    if (!Arrays.equals(
        IncrementalMerkleTree.rootFromProof(leaf, cvmHeight, blockSiblings), cp.cumulativeRoot())) {
      throw new Refused(
          "the accumulator proof of CVM block "
              + cvmHeight
              + " from the CVM chain node does not reach the cumulative root of checkpoint "
              + chosen.index());
    }
    if (!recordProof.verifyRecord(datasetRoot, rec)) {
      throw new IllegalStateException("the record proof does not verify against its own tree");
    }

    CheckpointRecordCalls.Proof proof =
        new CheckpointRecordCalls.Proof(
            chosen.index(),
            cp,
            new CheckpointRecordCalls.BlockRef(cvmHeight, blockHash, blockDatasetRoot, cvmHeight),
            blockSiblings,
            new CheckpointRecordCalls.DatasetProof(
                datasetProof.name(),
                datasetProof.recordCount(),
                datasetProof.isSingle() ? 0 : datasetProof.path().leafIndex(),
                datasetProof.isSingle() ? 0 : datasetProof.path().leafCount(),
                datasetProof.isSingle() ? List.of() : datasetProof.path().siblings()),
            rec,
            recordProof.leafIndex(),
            recordProof.leafCount(),
            recordProof.siblings());
    if (verifier != null && !CheckpointRecordCalls.call(eth, verifier, proof)) {
      throw new Refused(
          "CvmCheckpointVerifier "
              + verifier
              + ".verifyDatasetRecord returned false for this proof");
    }
    if (recordVerifier != null) {
      int anchor = CheckpointRecordCalls.callEntry(eth, recordVerifier, proof);
      if (anchor != CheckpointRecordCalls.ANCHOR_CHECKPOINT) {
        throw new Refused(
            "CvmRecordVerifier "
                + recordVerifier
                + ".verifyRecord answered anchor "
                + anchor
                + " for this proof, not 2 (Checkpoint)");
      }
    }
    return json(proof, finalizedAt, datasetProof);
  }

  private ObjectNode json(CheckpointRecordCalls.Proof p, long finalizedAt, DatasetRootProof dp) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", 2);
    o.put("checkpointsContract", checkpoints);
    o.put("checkpointIndex", p.checkpointIndex());
    ObjectNode cp = o.putObject("checkpoint");
    cp.put("height", p.checkpoint().height());
    cp.put("appHash", hexOf(p.checkpoint().appHash()));
    cp.put("cvmBlockHash", hexOf(p.checkpoint().cvmBlockHash()));
    cp.put("cumulativeRoot", hexOf(p.checkpoint().cumulativeRoot()));
    cp.put("withdrawalsRoot", hexOf(p.checkpoint().withdrawalsRoot()));
    cp.put("nextValidatorSetHash", hexOf(p.checkpoint().nextValidatorSetHash()));
    ObjectNode b = o.putObject("block");
    b.put("cvmHeight", p.block().cvmHeight());
    b.put("cvmBlockHash", hexOf(p.block().cvmBlockHash()));
    b.put("datasetRoot", hexOf(p.block().datasetRoot()));
    b.put("blockIndex", p.block().blockIndex());
    b.put("finalizedHeight", finalizedAt);
    array(o.putArray("blockSiblings"), p.blockSiblings());
    o.put("dataset", dataset);
    ObjectNode d = o.putObject("datasetProof");
    d.put("name", dp.name());
    d.put("recordCount", dp.recordCount());
    d.put("datasetRoot", hexOf(dp.datasetRoot()));
    d.put("leafIndex", p.datasetProof().leafIndex());
    d.put("leafCount", p.datasetProof().leafCount());
    array(d.putArray("siblings"), p.datasetProof().siblings());
    o.put("record", hexOf(p.record()));
    o.put("leafIndex", p.leafIndex());
    o.put("leafCount", p.leafCount());
    array(o.putArray("recordSiblings"), p.recordSiblings());
    o.put("anchor", CheckpointRecordCalls.anchor(p));
    ObjectNode calldata = o.putObject("calldata");
    if (p.datasetProof().leafCount() == 0) { // CvmCheckpointVerifier.verifyRecord: one dataset only
      calldata.put("verifyRecord", CheckpointRecordCalls.verifyRecord(p));
    }
    calldata.put("verifyDatasetRecord", CheckpointRecordCalls.verifyDatasetRecord(p));
    calldata.put("recordVerifier", CheckpointRecordCalls.entryVerifyRecord(p));
    calldata.put("consumerProve", CheckpointRecordCalls.consumerProve(p));
    return o;
  }

  private static void array(ArrayNode a, List<byte[]> hashes) {
    hashes.forEach(h -> a.add(hexOf(h)));
  }

  private int find(List<byte[]> records) {
    byte[] wanted = hex(record, "--record");
    for (int i = 0; i < records.size(); i++) {
      if (Arrays.equals(records.get(i), wanted)) {
        return i;
      }
    }
    throw new Refused(
        "dataset '" + dataset + "' of CVM block " + cvmHeight + " has no record equal to --record");
  }

  /** The CvmBlockTx of CometBFT block {@code height}. */
  private CvmBlockTx cvmBlockTx(CometRpcClient cvm, long height) {
    RpcTypes.Block block;
    try {
      block = cvm.block(height);
    } catch (RpcException e) {
      throw new Refused("CVM chain " + cvmRpc + ": block " + height + " failed: " + e.getMessage());
    }
    for (byte[] raw : block.txs()) {
      TxEnvelope env = TxCodec.decode(raw);
      if (env.hasCvmBlock()) {
        return env.getCvmBlock();
      }
    }
    throw new Refused(
        "CVM chain block "
            + height
            + " carries no CVM block (the node said CVM block "
            + cvmHeight
            + " was finalised there)");
  }

  private RpcTypes.Status status(CometRpcClient cvm) {
    try {
      return cvm.status();
    } catch (RpcException e) {
      throw new Refused("CVM chain " + cvmRpc + ": status failed: " + e.getMessage());
    }
  }

  private JsonNode query(CometRpcClient cvm, String path) throws IOException {
    RpcTypes.Query q;
    try {
      q = cvm.abciQuery(path, new byte[0], 0, false);
    } catch (RpcException e) {
      throw new Refused(
          "CVM chain " + cvmRpc + ": abci_query " + path + " failed: " + e.getMessage());
    }
    if (q.code() != 0) {
      throw new Refused("CVM chain " + cvmRpc + ": " + q.log());
    }
    return JSON.readTree(q.value());
  }

  private static byte[] hex(String s, String what) {
    try {
      byte[] b = HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
      if (!what.equals("--record") && b.length != 32) {
        throw new IllegalArgumentException("not 32 bytes");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new Refused(
          what + " '" + s + "' is not " + (what.equals("--record") ? "hex" : "a 32-byte hex hash"));
    }
  }

  private static String hexOf(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }
}
