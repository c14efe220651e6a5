package io.cvmavs.consensus.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.state.AppStore;
import io.cvmavs.consensus.proto.abci.Misbehavior;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.cvm.proof.Keccak;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * CometBFT misbehaviour for {@code CvmMisbehaviourSlasher} (docs/BRIDGE.md, "Misbehaviour
 * slashing"): the record encoding and hash chain FinalizeBlock keeps, the per-height proof of the
 * {@code misbehaviour} app-hash leaf, and the query {@code
 * /misbehaviour/<from>/<checkpointHeight>}.
 *
 * <p>Record hash: {@code keccak256(abi.encode(uint256 type, bytes32 address ‖ zero padding, uint256
 * height, uint256 time seconds, uint256 totalVotingPower))} (negative int64 values as 0); chain
 * {@code root' = keccak256(root ‖ recordHash)} from the zero word; leaf 13 {@code
 * keccak256(abi.encode(uint256 count, bytes32 root))}.
 *
 * <p>The app keeps only its latest state, so FinalizeBlock stores with each height H whose state
 * holds misbehaviour ({@code count > 0}) the record {@code misbproof/H}: {@code uint64 count ‖
 * bytes32 root ‖ siblings of leaf 13 (32 bytes each, 4 or 5)} — the proof of the leaf against the
 * app hash of H, which the checkpoint of H + 1 carries. It is not part of the app hash. With each
 * record {@code misb/i} it also stores {@code misbkey/i}, the validator's Ed25519 key when one of
 * the state's validator sets holds that address (a hint for the reporter: the contract checks it).
 */
final class MisbehaviourProofs {
  static final String PATH = "/misbehaviour/";
  static final String PROOF = "misbproof/";
  static final String RECORD = "misb/";
  static final String KEY = "misbkey/";
  static final int LEAF_INDEX = AppState.COMPONENTS.indexOf("misbehaviour");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private MisbehaviourProofs() {}

  /** The 32-byte address word of a record: the validator address, zero padded (or truncated). */
  static byte[] addressWord(Misbehavior m) {
    return Arrays.copyOf(m.getValidator().getAddress().toByteArray(), 32);
  }

  /** The record hash the chain links (class comment). */
  static byte[] recordHash(Misbehavior m) {
    return Keccak.hash(
        AbiWords.of()
            .uint(m.getTypeValue())
            .bytes32(addressWord(m))
            .uint(Math.max(0, m.getHeight()))
            .uint(Math.max(0, m.getTime().getSeconds()))
            .uint(Math.max(0, m.getTotalVotingPower()))
            .bytes());
  }

  /** One link of the chain. */
  static byte[] chain(byte[] root, byte[] recordHash) {
    return AbiWords.of().bytes32(root).bytes32(recordHash).keccak();
  }

  /** The {@code misbproof/H} value of state {@code s} (class comment). */
  static byte[] proofRecord(AppState s) {
    List<byte[]> siblings = s.appHashSiblings(LEAF_INDEX);
    ByteBuffer b = ByteBuffer.allocate(8 + 32 + 32 * siblings.size());
    b.putLong(s.misbehaviourCount).put(s.misbehaviourRoot);
    siblings.forEach(b::put);
    return b.array();
  }

  /** The leaf proof stored for a height: its (count, root) and siblings. */
  record LeafProof(long count, byte[] root, List<byte[]> siblings) {
    static LeafProof decode(byte[] raw) {
      int n = (raw.length - 40) / 32;
      if (raw.length < 40 || (raw.length - 40) % 32 != 0 || (n != 4 && n != 5)) {
        throw new AppException("stored misbehaviour proof has " + raw.length + " bytes");
      }
      ByteBuffer b = ByteBuffer.wrap(raw);
      long count = b.getLong();
      byte[] root = new byte[32];
      b.get(root);
      List<byte[]> siblings = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] s = new byte[32];
        b.get(s);
        siblings.add(s);
      }
      return new LeafProof(count, root, siblings);
    }

    byte[] appHash() {
      return AppState.appHashFromProof(
          AppState.misbehaviourLeaf(count, root), LEAF_INDEX, siblings);
    }
  }

  /** The Ed25519 key of the validator with {@code address} in one of {@code sets}, if any. */
  static Optional<byte[]> keyOf(byte[] address, List<BlsValidatorSet> sets) {
    for (BlsValidatorSet set : sets) {
      Optional<Integer> i = set.indexOfAddress(address);
      if (i.isPresent()) {
        BlsValidator v = set.entries().get(i.get());
        return Optional.of(v.consensusKey().bytes());
      }
    }
    return Optional.empty();
  }

  /** Answers {@code <from>/<checkpointHeight>} (the path's tail). */
  static byte[] query(AppStore store, String tail) throws IOException {
    String[] parts = tail.split("/", -1);
    if (parts.length != 2) {
      throw new AppException(
          "expected " + PATH + "<from>/<checkpointHeight>, got '" + PATH + tail + "'");
    }
    long from = nonNegative(parts[0], "from");
    long h = nonNegative(parts[1], "checkpointHeight");
    Certificate c =
        Certificate.parseFrom(
            store
                .get(AppStore.key("cert/", h))
                .orElseThrow(
                    () ->
                        new AppException(
                            "no certificate of height "
                                + h
                                + " (a checkpoint is certified in the next block)")));
    LeafProof p =
        store
            .get(AppStore.key(PROOF, h - 1))
            .map(LeafProof::decode)
            .orElseThrow(
                () ->
                    new AppException(
                        "the state of height "
                            + (h - 1)
                            + " (which the checkpoint of "
                            + h
                            + " signs) holds no misbehaviour, or its proof was not stored"
                            + " (state-synced past it)"));
    if (!Arrays.equals(p.appHash(), c.getAppHash().toByteArray())) {
      throw new AppException(
          "the stored misbehaviour proof of height "
              + (h - 1)
              + " does not lead to the app hash of checkpoint "
              + h);
    }
    if (from > p.count()) {
      throw new AppException(
          "from " + from + " is past the " + p.count() + " records checkpoint " + h + " covers");
    }
    ObjectNode o = JSON.createObjectNode();
    ObjectNode cp = o.putObject("checkpoint");
    cp.put("height", c.getHeight());
    cp.put("app_hash", hex(c.getAppHash().toByteArray()));
    cp.put("cvm_block_hash", hex(c.getCvmBlockHash().toByteArray()));
    cp.put("cumulative_root", hex(c.getCumulativeRoot().toByteArray()));
    cp.put("withdrawals_root", hex(c.getWithdrawalsRoot().toByteArray()));
    cp.put("next_validator_set_hash", hex(c.getNextValidatorSetHash().toByteArray()));
    o.put("count", p.count());
    o.put("root", hex(p.root()));
    o.put("leaf_index", LEAF_INDEX);
    o.put("leaf", hex(AppState.misbehaviourLeaf(p.count(), p.root())));
    ArrayNode sib = o.putArray("siblings");
    p.siblings().forEach(s -> sib.add(hex(s)));
    o.put("from", from);
    ArrayNode recs = o.putArray("records");
    byte[] root = new byte[32];
    for (long i = 0; i < p.count(); i++) {
      final long at = i;
      Misbehavior m =
          Misbehavior.parseFrom(
              store
                  .get(AppStore.key(RECORD, i))
                  .orElseThrow(
                      () -> new AppException("misbehaviour record " + at + " is missing")));
      byte[] hash = recordHash(m);
      root = chain(root, hash);
      if (i < from) {
        continue;
      }
      ObjectNode r = recs.addObject();
      r.put("index", i);
      r.put("type", m.getTypeValue());
      r.put("type_name", m.getType().name());
      r.put("validator", hex(addressWord(m)));
      r.put("height", Math.max(0, m.getHeight()));
      r.put("time", Math.max(0, m.getTime().getSeconds()));
      r.put("total_voting_power", Math.max(0, m.getTotalVotingPower()));
      r.put("hash", hex(hash));
      Optional<byte[]> key = store.get(AppStore.key(KEY, i));
      if (key.isPresent()) {
        r.put("consensus_key", hex(key.get()));
      } else {
        r.putNull("consensus_key");
      }
    }
    if (!Arrays.equals(root, p.root())) {
      throw new AppException(
          "the stored misbehaviour records do not reach the root of checkpoint " + h);
    }
    return JSON.writeValueAsBytes(o);
  }

  private static long nonNegative(String s, String name) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new AppException(name + " '" + s + "' is not a number");
    }
    if (v < 0 || (name.equals("checkpointHeight") && v < 1)) {
      throw new AppException(name + " " + v + " out of range");
    }
    return v;
  }

  private static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }
}
