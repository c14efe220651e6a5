package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.RpcClient;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * Calldata of {@code CvmCheckpointVerifier.verifyRecord} and of the example consumer's {@code
 * CvmRecordConsumer.prove} (same arguments): a dataset record of a CVM block proven against an
 * accepted checkpoint (docs/BRIDGE.md, "Dataset records").
 */
public final class CheckpointRecordCalls {
  public static final String VERIFY_RECORD =
      "verifyRecord(uint64,(uint64,bytes32,bytes32,bytes32,bytes32,bytes32),"
          + "(uint64,bytes32,bytes32,uint256),bytes32[],bytes,uint256,uint256,bytes32[])";
  public static final String CONSUMER_PROVE =
      "prove(uint64,(uint64,bytes32,bytes32,bytes32,bytes32,bytes32),"
          + "(uint64,bytes32,bytes32,uint256),bytes32[],bytes,uint256,uint256,bytes32[])";

  /** {@code CvmCheckpointVerifier.CvmBlockRef}. */
  public record BlockRef(
      long cvmHeight, byte[] cvmBlockHash, byte[] datasetRoot, long blockIndex) {}

  /** A whole proof: the checkpoint, the block in its accumulator, the record in its dataset. */
  public record Proof(
      long checkpointIndex,
      CheckpointData checkpoint,
      BlockRef block,
      List<byte[]> blockSiblings,
      byte[] record,
      long leafIndex,
      long leafCount,
      List<byte[]> recordSiblings) {}

  private CheckpointRecordCalls() {}

  /** Calldata (0x hex) of {@code CvmCheckpointVerifier.verifyRecord}. */
  public static String verifyRecord(Proof p) {
    return Abi.call(VERIFY_RECORD, params(p));
  }

  /** Calldata (0x hex) of {@code CvmRecordConsumer.prove}. */
  public static String consumerProve(Proof p) {
    return Abi.call(CONSUMER_PROVE, params(p));
  }

  /** {@code eth_call} of {@code verifier.verifyRecord(p)} at the head. */
  public static boolean call(RpcClient rpc, String verifier, Proof p) {
    Words w =
        new Words(
            rpc.call(verifier, verifyRecord(p), "CvmCheckpointVerifier.verifyRecord"),
            "CvmCheckpointVerifier.verifyRecord");
    BigInteger v = w.uint(0);
    if (v.signum() != 0 && !v.equals(BigInteger.ONE)) {
      throw new ChainException(
          "CvmCheckpointVerifier " + verifier + ".verifyRecord answered no bool: " + v);
    }
    return v.signum() != 0;
  }

  private static List<Type> params(Proof p) {
    BlockRef b = p.block();
    return List.of(
        new Uint64(p.checkpointIndex()),
        new CheckpointsAbi.CheckpointStruct(p.checkpoint()),
        new StaticStruct(
            new Uint64(b.cvmHeight()),
            new Bytes32(b.cvmBlockHash()),
            new Bytes32(b.datasetRoot()),
            new Uint256(b.blockIndex())),
        words(p.blockSiblings()),
        new DynamicBytes(p.record()),
        new Uint256(p.leafIndex()),
        new Uint256(p.leafCount()),
        words(p.recordSiblings()));
  }

  private static DynamicArray<Bytes32> words(List<byte[]> hashes) {
    return new DynamicArray<>(Bytes32.class, hashes.stream().map(Bytes32::new).toList());
  }
}
