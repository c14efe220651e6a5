package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.bridge.CheckpointData;
import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.bridge.MisbehaviourSlasherClient;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.state.AppState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports the CometBFT misbehaviour the CVM chain recorded to {@code CvmMisbehaviourSlasher}, once
 * a checkpoint covering it is accepted (docs/BRIDGE.md, "Misbehaviour slashing"). One {@link
 * #step()}: reads where the contract stands ({@code processedCount}, {@code processedRoot}) and the
 * last accepted checkpoint (index {@code checkpointCount − 1}, height {@code latestHeight}), asks
 * the CVM chain for the proof and the records after the processed ones, checks everything locally
 * (the leaf proof leads to the checkpoint's app hash, the contract accepts that checkpoint, the
 * records re-chain from the processed root to the certified one, a key for every slashable record)
 * and sends reports of at most {@code maxRecordsPerCall} records until all are processed. Runs
 * after each relayer pass: new misbehaviour is slashed with the next relayed checkpoint (at the
 * latest {@code --every} heights later). Not thread-safe.
 */
public final class MisbehaviourReporter {
  private static final Logger LOG = LoggerFactory.getLogger(MisbehaviourReporter.class);
  private static final HexFormat HEX = HexFormat.of();

  /** One report sent: records {@code from .. from + records − 1}. */
  public record Sent(long from, int records, long checkpointHeight, long gasUsed) {}

  private final CvmChain cvm;
  private final CheckpointsReader checkpoints;
  private final MisbehaviourSlasherClient slasher;

  public MisbehaviourReporter(
      CvmChain cvm, CheckpointsReader checkpoints, MisbehaviourSlasherClient slasher) {
    this.cvm = cvm;
    this.checkpoints = checkpoints;
    this.slasher = slasher;
  }

  /**
   * @return the reports sent (none when nothing new is covered by the last accepted checkpoint)
   * @throws RelayerException when the CVM chain's answer does not check out or the contract refuses
   */
  public List<Sent> step() {
    List<Sent> sent = new ArrayList<>();
    long count = checkpoints.checkpointCount();
    if (count == 0) {
      return sent;
    }
    long index = count - 1;
    long height = checkpoints.latestHeight();
    long processed = slasher.processedCount();
    Optional<JsonNode> answer = cvm.misbehaviour(processed, height);
    if (answer.isEmpty()) {
      return sent;
    }
    JsonNode a = answer.get();
    long certified = a.path("count").asLong(-1);
    if (certified <= processed) {
      return sent;
    }
    String at = "/misbehaviour/" + processed + "/" + height;
    CheckpointData cp = checkpoint(a.path("checkpoint"), at);
    if (cp.height() != height) {
      throw refused(height, at + " answered the checkpoint of height " + cp.height());
    }
    byte[] root = word(a.path("root"), at + " root");
    List<byte[]> siblings = new ArrayList<>();
    for (JsonNode s : a.path("siblings")) {
      siblings.add(word(s, at + " sibling"));
    }
    byte[] leaf = AppState.misbehaviourLeaf(certified, root);
    if (!Arrays.equals(AppState.appHashFromProof(leaf, 13, siblings), cp.appHash())) {
      throw refused(height, at + ": the leaf proof does not lead to the checkpoint's app hash");
    }
    if (!checkpoints.isAccepted(index, cp)) {
      throw refused(height, at + ": CvmCheckpoints has not accepted this checkpoint as " + index);
    }
    List<MisbehaviourSlasherClient.Record> records = new ArrayList<>();
    List<byte[]> hashes = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    byte[] chained = slasher.processedRoot();
    for (JsonNode r : a.path("records")) {
      String what = at + " record " + r.path("index").asLong();
      MisbehaviourSlasherClient.Record rec =
          new MisbehaviourSlasherClient.Record(
              r.path("type").asInt(),
              word(r.path("validator"), what + " validator"),
              r.path("height").asLong(),
              r.path("time").asLong(),
              r.path("total_voting_power").asLong());
      byte[] hash = hash(rec);
      chained = AbiWords.of().bytes32(chained).bytes32(hash).keccak();
      records.add(rec);
      hashes.add(hash);
      JsonNode key = r.path("consensus_key");
      keys.add(key.isTextual() ? word(key, what + " consensus_key") : new byte[32]);
      if (!key.isTextual() && slashable(rec)) {
        throw refused(
            height,
            what
                + ": the CVM chain knows no Ed25519 key for validator 0x"
                + HEX.formatHex(rec.validator(), 0, 20)
                + "; the contract needs it to slash");
      }
    }
    if (records.size() != certified - processed || !Arrays.equals(chained, root)) {
      throw refused(
          height,
          at
              + ": the records do not re-chain from the contract's processed root to the certified"
              + " root");
    }
    long max = Math.max(1, slasher.maxRecordsPerCall());
    long from = processed;
    while (from < certified) {
      int off = (int) (from - processed);
      int n = (int) Math.min(max, certified - from);
      var receipt =
          report(
              new MisbehaviourSlasherClient.Report(
                  index,
                  cp,
                  certified,
                  root,
                  siblings,
                  records.subList(off, off + n),
                  keys.subList(off, off + n),
                  hashes.subList(off + n, hashes.size())));
      long gas = receipt.getGasUsed().longValueExact();
      LOG.info(
          "misbehaviour records {}..{} reported against the checkpoint of height {} ({} gas)",
          from,
          from + n - 1,
          height,
          gas);
      sent.add(new Sent(from, n, height, gas));
      from += n;
    }
    return sent;
  }

  private org.web3j.protocol.core.methods.response.TransactionReceipt report(
      MisbehaviourSlasherClient.Report r) {
    try {
      return slasher.report(r);
    } catch (ChainException.Reverted e) {
      throw new RelayerException(
          "CvmMisbehaviourSlasher refused the report of records from "
              + slasher.processedCount()
              + " that checked out locally: "
              + e.getMessage(),
          e);
    }
  }

  private static boolean slashable(MisbehaviourSlasherClient.Record r) {
    byte[] v = r.validator();
    for (int i = 20; i < 32; i++) {
      if (v[i] != 0) {
        return false;
      }
    }
    return r.type() == 1 || r.type() == 2;
  }

  /** The record hash the CVM chain and the contract chain. */
  static byte[] hash(MisbehaviourSlasherClient.Record r) {
    return AbiWords.of()
        .uint(r.type())
        .bytes32(r.validator())
        .uint(r.height())
        .uint(r.time())
        .uint(r.totalVotingPower())
        .keccak();
  }

  private static CheckpointData checkpoint(JsonNode c, String at) {
    return new CheckpointData(
        c.path("height").asLong(),
        word(c.path("app_hash"), at + " checkpoint app_hash"),
        word(c.path("cvm_block_hash"), at + " checkpoint cvm_block_hash"),
        word(c.path("cumulative_root"), at + " checkpoint cumulative_root"),
        word(c.path("withdrawals_root"), at + " checkpoint withdrawals_root"),
        word(c.path("next_validator_set_hash"), at + " checkpoint next_validator_set_hash"));
  }

  private static byte[] word(JsonNode n, String what) {
    String s = n.asText("");
    try {
      byte[] b = HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
      if (b.length == 32) {
        return b;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new RelayerException.CvmRpc(what + " is not a 32-byte hex word: '" + s + "'", null);
  }

  private static RelayerException refused(long height, String why) {
    return new RelayerException.Refused(height, why);
  }
}
