package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.RpcClient;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;

/**
 * Calldata of a dataset record of a CVM block proven against an accepted checkpoint
 * (docs/PROOFS.md, "Two anchors"): {@code CvmCheckpointVerifier.verifyRecord} (a block with one
 * dataset), {@code CvmCheckpointVerifier.verifyDatasetRecord} (any block: with the dataset proof),
 * the checkpoint {@linkplain #anchor anchor} of the one entry point {@code
 * CvmRecordVerifier.verifyRecord}, and the example consumer's {@code CvmRecordConsumer.prove} (the
 * entry point's arguments).
 */
public final class CheckpointRecordCalls {
  public static final String VERIFY_RECORD =
      "verifyRecord(uint64,(uint64,bytes32,bytes32,bytes32,bytes32,bytes32),"
          + "(uint64,bytes32,bytes32,uint256),bytes32[],bytes,uint256,uint256,bytes32[])";
  private static final String DATASET_PROOF = "(string,uint64,uint256,uint256,bytes32[])";
  private static final String RECORD_PROOF = "(uint256,uint256,bytes32[])";
  public static final String VERIFY_DATASET_RECORD =
      "verifyDatasetRecord(uint64,(uint64,bytes32,bytes32,bytes32,bytes32,bytes32),"
          + "(uint64,bytes32,bytes32,uint256),bytes32[],"
          + DATASET_PROOF
          + ","
          + RECORD_PROOF
          + ",bytes)";
  public static final String ENTRY_VERIFY_RECORD =
      "verifyRecord(bytes," + DATASET_PROOF + "," + RECORD_PROOF + ",bytes)";
  public static final String CONSUMER_PROVE =
      "prove(bytes," + DATASET_PROOF + "," + RECORD_PROOF + ",bytes)";

  /** {@code CvmRecordVerifier.Anchor.Checkpoint}. */
  public static final int ANCHOR_CHECKPOINT = 2;

  /**
   * {@code ICvmAttestedRecordsTypes.DatasetProof}: the dataset's entry in its block's dataset tree
   * ({@code leafCount = 0}, no siblings: the block's only dataset).
   */
  public record DatasetProof(
      String name, long recordCount, long leafIndex, long leafCount, List<byte[]> siblings) {}

  /** {@code CvmCheckpointVerifier.CvmBlockRef}. */
  public record BlockRef(
      long cvmHeight, byte[] cvmBlockHash, byte[] datasetRoot, long blockIndex) {}

  /** A whole proof: the checkpoint, the block in its accumulator, the record in its dataset. */
  public record Proof(
      long checkpointIndex,
      CheckpointData checkpoint,
      BlockRef block,
      List<byte[]> blockSiblings,
      DatasetProof datasetProof,
      byte[] record,
      long leafIndex,
      long leafCount,
      List<byte[]> recordSiblings) {}

  private CheckpointRecordCalls() {}

  /** Calldata (0x hex) of {@code CvmCheckpointVerifier.verifyRecord}. */
  public static String verifyRecord(Proof p) {
    return Abi.call(VERIFY_RECORD, params(p));
  }

  /** Calldata (0x hex) of {@code CvmCheckpointVerifier.verifyDatasetRecord}. */
  public static String verifyDatasetRecord(Proof p) {
    return Abi.call(
        VERIFY_DATASET_RECORD,
        List.of(
            new Uint64(p.checkpointIndex()),
            new CheckpointsAbi.CheckpointStruct(p.checkpoint()),
            blockRef(p.block()),
            words(p.blockSiblings()),
            datasetProof(p.datasetProof()),
            recordProof(p),
            new DynamicBytes(p.record())));
  }

  /**
   * The anchor bytes (0x hex) of {@code CvmRecordVerifier.verifyRecord}: {@code
   * abi.encode(Anchor.Checkpoint, CheckpointAnchor(checkpointIndex, checkpoint, block,
   * blockSiblings))}, what {@code CvmRecordVerifier.checkpointAnchor} returns.
   */
  public static String anchor(Proof p) {
    return "0x"
        + FunctionEncoder.encodeConstructor(
            List.of(
                new Uint8(ANCHOR_CHECKPOINT),
                new DynamicStruct(
                    new Uint64(p.checkpointIndex()),
                    new CheckpointsAbi.CheckpointStruct(p.checkpoint()),
                    blockRef(p.block()),
                    words(p.blockSiblings()))));
  }

  /** Calldata (0x hex) of the entry point {@code CvmRecordVerifier.verifyRecord}. */
  public static String entryVerifyRecord(Proof p) {
    return Abi.call(ENTRY_VERIFY_RECORD, entryParams(p));
  }

  /** Calldata (0x hex) of {@code CvmRecordConsumer.prove}. */
  public static String consumerProve(Proof p) {
    return Abi.call(CONSUMER_PROVE, entryParams(p));
  }

  /** {@code eth_call} of {@code verifier.verifyDatasetRecord(p)} at the head. */
  public static boolean call(RpcClient rpc, String verifier, Proof p) {
    String what = "CvmCheckpointVerifier.verifyDatasetRecord";
    BigInteger v = new Words(rpc.call(verifier, verifyDatasetRecord(p), what), what).uint(0);
    if (v.signum() != 0 && !v.equals(BigInteger.ONE)) {
      throw new ChainException("CvmCheckpointVerifier " + verifier + " answered no bool: " + v);
    }
    return v.signum() != 0;
  }

  /**
   * {@code eth_call} of the entry point {@code recordVerifier.verifyRecord(anchor(p), …)}: the
   * {@code Anchor} it answers (0 none, 1 task, 2 checkpoint).
   */
  public static int callEntry(RpcClient rpc, String recordVerifier, Proof p) {
    String what = "CvmRecordVerifier.verifyRecord";
    BigInteger v = new Words(rpc.call(recordVerifier, entryVerifyRecord(p), what), what).uint(0);
    if (v.bitLength() > 2 || v.intValue() > ANCHOR_CHECKPOINT) {
      throw new ChainException("CvmRecordVerifier " + recordVerifier + " answered no anchor: " + v);
    }
    return v.intValue();
  }

  private static List<Type> params(Proof p) {
    return List.of(
        new Uint64(p.checkpointIndex()),
        new CheckpointsAbi.CheckpointStruct(p.checkpoint()),
        blockRef(p.block()),
        words(p.blockSiblings()),
        new DynamicBytes(p.record()),
        new Uint256(p.leafIndex()),
        new Uint256(p.leafCount()),
        words(p.recordSiblings()));
  }

  private static List<Type> entryParams(Proof p) {
    return List.of(
        new DynamicBytes(org.web3j.utils.Numeric.hexStringToByteArray(anchor(p))),
        datasetProof(p.datasetProof()),
        recordProof(p),
        new DynamicBytes(p.record()));
  }

  private static StaticStruct blockRef(BlockRef b) {
    return new StaticStruct(
        new Uint64(b.cvmHeight()),
        new Bytes32(b.cvmBlockHash()),
        new Bytes32(b.datasetRoot()),
        new Uint256(b.blockIndex()));
  }

  private static DynamicStruct datasetProof(DatasetProof d) {
    return new DynamicStruct(
        new Utf8String(d.name()),
        new Uint64(d.recordCount()),
        new Uint256(d.leafIndex()),
        new Uint256(d.leafCount()),
        words(d.siblings()));
  }

  private static DynamicStruct recordProof(Proof p) {
    return new DynamicStruct(
        new Uint256(p.leafIndex()), new Uint256(p.leafCount()), words(p.recordSiblings()));
  }

  private static DynamicArray<Bytes32> words(List<byte[]> hashes) {
    return new DynamicArray<>(Bytes32.class, hashes.stream().map(Bytes32::new).toList());
  }
}
