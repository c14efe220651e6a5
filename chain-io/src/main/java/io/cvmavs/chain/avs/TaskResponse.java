package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import java.util.Arrays;
import java.util.HexFormat;

/** {@code ICvmTaskManagerTypes.TaskResponse}: what operators attest for a task. */
public record TaskResponse(
    long referenceTaskIndex, byte[] cvmBlockHash, byte[] datasetRoot, byte[] stateRoot) {
  public TaskResponse {
    if (referenceTaskIndex < 0 || referenceTaskIndex > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "referenceTaskIndex must fit uint32, got " + referenceTaskIndex);
    }
    cvmBlockHash = Bytes32.check("cvmBlockHash", cvmBlockHash);
    datasetRoot = Bytes32.check("datasetRoot", datasetRoot);
    stateRoot = Bytes32.check("stateRoot", stateRoot);
  }

  @Override
  public byte[] cvmBlockHash() {
    return cvmBlockHash.clone();
  }

  @Override
  public byte[] datasetRoot() {
    return datasetRoot.clone();
  }

  @Override
  public byte[] stateRoot() {
    return stateRoot.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResponse r
        && r.referenceTaskIndex == referenceTaskIndex
        && Arrays.equals(r.cvmBlockHash, cvmBlockHash)
        && Arrays.equals(r.datasetRoot, datasetRoot)
        && Arrays.equals(r.stateRoot, stateRoot);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(cvmBlockHash) * 31 + Long.hashCode(referenceTaskIndex);
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return "TaskResponse{task="
        + referenceTaskIndex
        + ", cvmBlockHash=0x"
        + h.formatHex(cvmBlockHash)
        + ", datasetRoot=0x"
        + h.formatHex(datasetRoot)
        + ", stateRoot=0x"
        + h.formatHex(stateRoot)
        + "}";
  }
}
