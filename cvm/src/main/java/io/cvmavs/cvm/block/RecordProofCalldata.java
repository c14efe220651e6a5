package io.cvmavs.cvm.block;

import io.cvmavs.cvm.proof.DatasetRootProof;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint96;

/**
 * ABI calldata of {@code CvmAttestedRecords.verifyAttestedRecord(taskManager, response, meta,
 * datasetProof, recordProof, record)} for a {@link RecordProof} and the task response that attests
 * its block (docs/PROOFS.md). The response and metadata are those of the chain's {@code
 * TaskResponded} event; reading them is the caller's (the {@code cvm} module has no chain access).
 */
public final class RecordProofCalldata {
  /** {@code verifyAttestedRecord(address,(uint32,bytes32,bytes32,bytes32),…)}'s selector. */
  public static final String SELECTOR = "0x4dfdb963";

  private RecordProofCalldata() {}

  /** {@code TaskResponse} of {@code ICvmTaskManager}. */
  public record Response(
      long referenceTaskIndex, byte[] cvmBlockHash, byte[] datasetRoot, byte[] stateRoot) {
    public Response {
      cvmBlockHash = cvmBlockHash.clone();
      datasetRoot = datasetRoot.clone();
      stateRoot = stateRoot.clone();
    }

    @Override
    public byte[] datasetRoot() {
      return datasetRoot.clone();
    }
  }

  /** {@code TaskResponseMetadata} of {@code ICvmTaskManager}. */
  public record Metadata(
      long taskRespondedBlock,
      byte[] hashOfNonSigners,
      List<BigInteger> signedStakeForQuorum,
      List<BigInteger> totalStakeForQuorum) {
    public Metadata {
      hashOfNonSigners = hashOfNonSigners.clone();
      signedStakeForQuorum = List.copyOf(signedStakeForQuorum);
      totalStakeForQuorum = List.copyOf(totalStakeForQuorum);
    }
  }

  /**
   * The {@code 0x} hex calldata. Throws {@link BlockException} when the response does not carry the
   * dataset root the proof leads to (the proof is for another block or task).
   */
  public static String encode(
      String taskManager, Response response, Metadata meta, RecordProof proof) {
    if (!Arrays.equals(response.datasetRoot, proof.responseDatasetRoot())) {
      throw new BlockException(
          "task "
              + response.referenceTaskIndex()
              + " attests datasetRoot 0x"
              + HexFormat.of().formatHex(response.datasetRoot)
              + " but the proof's block has 0x"
              + HexFormat.of().formatHex(proof.responseDatasetRoot()));
    }
    DatasetRootProof dp = proof.datasetProof();
    var call =
        new Function(
            "verifyAttestedRecord",
            List.of(
                new Address(taskManager),
                new StaticStruct(
                    new Uint32(response.referenceTaskIndex()),
                    new Bytes32(response.cvmBlockHash),
                    new Bytes32(response.datasetRoot),
                    new Bytes32(response.stateRoot)),
                new DynamicStruct(
                    new Uint32(meta.taskRespondedBlock()),
                    new Bytes32(meta.hashOfNonSigners),
                    uint96s(meta.signedStakeForQuorum()),
                    uint96s(meta.totalStakeForQuorum())),
                new DynamicStruct(
                    new Utf8String(dp.name()),
                    new Uint64(dp.recordCount()),
                    new Uint256(dp.isSingle() ? 0 : dp.path().leafIndex()),
                    new Uint256(dp.isSingle() ? 0 : dp.path().leafCount()),
                    bytes32s(dp.isSingle() ? List.of() : dp.path().siblings())),
                new DynamicStruct(
                    new Uint256(proof.proof().leafIndex()),
                    new Uint256(proof.proof().leafCount()),
                    bytes32s(proof.proof().siblings())),
                new DynamicBytes(proof.record())),
            List.of());
    String data = FunctionEncoder.encode(call);
    if (!data.startsWith(SELECTOR)) {
      throw new IllegalStateException("web3j encoded selector " + data.substring(0, 10));
    }
    return data;
  }

  private static DynamicArray<Uint96> uint96s(List<BigInteger> values) {
    return new DynamicArray<>(Uint96.class, values.stream().map(Uint96::new).toList());
  }

  private static DynamicArray<Bytes32> bytes32s(List<byte[]> values) {
    return new DynamicArray<>(Bytes32.class, values.stream().map(Bytes32::new).toList());
  }
}
