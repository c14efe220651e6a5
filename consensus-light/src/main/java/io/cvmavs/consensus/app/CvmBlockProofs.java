package io.cvmavs.consensus.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.IncrementalMerkleTree;
import io.cvmavs.consensus.app.state.AppStore;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.Certificate;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.task.CvmTaskComputer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The query {@code /cvm/block-proof/<cvmHeight>/<checkpointHeight>}: the inclusion proof of a CVM
 * block's accumulator leaf against the {@code cumulativeRoot} of the checkpoint of a CometBFT
 * height, with every field {@code CvmCheckpointVerifier.CvmBlockRef} and the checkpoint struct need
 * (docs/BRIDGE.md, "Dataset records").
 *
 * <p>The checkpoint of height H signs the accumulator after H − 1, so it covers exactly the CVM
 * blocks finalised at heights &le; H − 1 (each CVM block records the height that finalised it). The
 * leaves are recomputed from the stored headers ({@code keccak256(abi.encode(uint64 cvmHeight,
 * bytes32 blockHash, bytes32 datasetRoot))}, cvmHeight = its position), the root is checked against
 * the stored certificate of H and the proof is verified with {@link
 * IncrementalMerkleTree#rootFromProof} before anything is answered. O(number of covered CVM blocks)
 * reads per query.
 */
final class CvmBlockProofs {
  /** Record prefix: CVM height → the CometBFT height whose block finalised it (uint64). */
  static final String FINALIZED_AT = "cvmat/";

  static final String PATH = "/cvm/block-proof/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private CvmBlockProofs() {}

  /** The CometBFT height that finalised CVM block {@code cvmHeight}, if it is stored. */
  static java.util.Optional<Long> finalizedAt(AppStore store, long cvmHeight) {
    return store.get(AppStore.key(FINALIZED_AT, cvmHeight)).map(b -> ByteBuffer.wrap(b).getLong());
  }

  /** Answers {@code <cvmHeight>/<checkpointHeight>} (the path's tail). */
  static byte[] query(AppStore store, String tail) throws IOException {
    String[] parts = tail.split("/", -1);
    if (parts.length != 2) {
      throw new AppException(
          "expected " + PATH + "<cvmHeight>/<checkpointHeight>, got '" + PATH + tail + "'");
    }
    long h = parseHeight(parts[0], "cvmHeight");
    long checkpointHeight = parseHeight(parts[1], "checkpointHeight");
    CvmBlockTx block = block(store, h);
    long finalizedAt =
        finalizedAt(store, h)
            .orElseThrow(
                () ->
                    new AppException(
                        "CVM block "
                            + h
                            + " has no recorded finalisation height (stored before"
                            + " this app version)"));
    if (finalizedAt > checkpointHeight - 1) {
      throw new AppException(
          "CVM block "
              + h
              + " was finalised at height "
              + finalizedAt
              + "; the checkpoint of height "
              + checkpointHeight
              + " covers CVM blocks finalised up to height "
              + (checkpointHeight - 1)
              + " (the first checkpoint covering it has height "
              + (finalizedAt + 1)
              + " or more)");
    }
    Certificate cert =
        Certificate.parseFrom(
            store
                .get(AppStore.key("cert/", checkpointHeight))
                .orElseThrow(
                    () ->
                        new AppException(
                            "no certificate of height "
                                + checkpointHeight
                                + " (not certified yet: it is in the block after it)")));
    byte[] cumulativeRoot = cert.getCumulativeRoot().toByteArray();

    // Leaves 0..n-1: every CVM block finalised at or below checkpointHeight - 1.
    List<byte[]> leaves = new ArrayList<>();
    byte[] leaf = null;
    byte[] blockHash = null;
    byte[] datasetRoot = null;
    for (long i = 0; ; i++) {
      var at = finalizedAt(store, i);
      if (at.isEmpty() || at.get() > checkpointHeight - 1) {
        break;
      }
      CvmBlockTx b = i == h ? block : block(store, i);
      CvmBlockHeader header = TxCodec.header(b);
      byte[] hash = header.hash();
      byte[] root = CvmTaskComputer.datasetRoot(header);
      byte[] l = AbiWords.of().uint(i).bytes32(hash).bytes32(root).keccak();
      leaves.add(l);
      if (i == h) {
        leaf = l;
        blockHash = hash;
        datasetRoot = root;
      }
    }
    if (leaf == null) {
      throw new AppException("CVM block " + h + " is missing from the accumulator's leaves");
    }
    byte[] treeRoot = IncrementalMerkleTree.rootOf(leaves, 0, null);
    if (!Arrays.equals(treeRoot, cumulativeRoot)) {
      throw new AppException(
          "the "
              + leaves.size()
              + " CVM blocks finalised up to height "
              + (checkpointHeight - 1)
              + " do not hash to the cumulative root of the certificate of height "
              + checkpointHeight);
    }
    List<byte[]> siblings = IncrementalMerkleTree.proof(leaves, (int) h);
    if (!Arrays.equals(IncrementalMerkleTree.rootFromProof(leaf, h, siblings), cumulativeRoot)) {
      throw new AppException(
          "the proof of CVM block "
              + h
              + " does not verify against the checkpoint of height "
              + checkpointHeight);
    }

    ObjectNode o = JSON.createObjectNode();
    o.put("cvm_height", h);
    o.put("block_index", h);
    o.put("cvm_block_hash", hex(blockHash));
    o.put("dataset_root", hex(datasetRoot));
    o.put("leaf", hex(leaf));
    o.put("finalized_height", finalizedAt);
    o.put("manuscript_hash", hex(block.getManuscriptHash().toByteArray()));
    o.put("manuscript_height", block.getHeight());
    o.put("accumulator_count", leaves.size());
    ArrayNode s = o.putArray("siblings");
    siblings.forEach(x -> s.add(hex(x)));
    ObjectNode cp = o.putObject("checkpoint");
    cp.put("height", cert.getHeight());
    cp.put("app_hash", hex(cert.getAppHash().toByteArray()));
    cp.put("cvm_block_hash", hex(cert.getCvmBlockHash().toByteArray()));
    cp.put("cumulative_root", hex(cumulativeRoot));
    cp.put("withdrawals_root", hex(cert.getWithdrawalsRoot().toByteArray()));
    cp.put("next_validator_set_hash", hex(cert.getNextValidatorSetHash().toByteArray()));
    return JSON.writeValueAsBytes(o);
  }

  private static CvmBlockTx block(AppStore store, long h) throws IOException {
    return CvmBlockTx.parseFrom(
        store
            .get(AppStore.key("cvm/", h))
            .orElseThrow(() -> new AppException("no CVM block at CVM height " + h)));
  }

  private static long parseHeight(String s, String what) {
    try {
      long v = Long.parseLong(s);
      if (v < 0 || (what.equals("cvmHeight") && v > Integer.MAX_VALUE)) {
        throw new NumberFormatException("out of range");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new AppException(what + " '" + s + "' is not a height");
    }
  }

  private static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }
}
