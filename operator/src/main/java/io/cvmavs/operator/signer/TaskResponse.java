package io.cvmavs.operator.signer;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The response an operator attests to, field for field as {@code
 * ICvmTaskManagerTypes.TaskResponse}: {@code referenceTaskIndex} (uint32) and three 32-byte hashes.
 */
public record TaskResponse(
    long referenceTaskIndex, byte[] cvmBlockHash, byte[] datasetRoot, byte[] stateRoot) {
  public TaskResponse {
    if (referenceTaskIndex < 0 || referenceTaskIndex > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(
          "referenceTaskIndex must fit uint32, got " + referenceTaskIndex);
    }
    cvmBlockHash = bytes32("cvmBlockHash", cvmBlockHash);
    datasetRoot = bytes32("datasetRoot", datasetRoot);
    stateRoot = bytes32("stateRoot", stateRoot);
  }

  private static byte[] bytes32(String field, byte[] value) {
    if (value == null || value.length != 32) {
      throw new IllegalArgumentException(field + " must be 32 bytes");
    }
    return value.clone();
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
        && referenceTaskIndex == r.referenceTaskIndex
        && Arrays.equals(cvmBlockHash, r.cvmBlockHash)
        && Arrays.equals(datasetRoot, r.datasetRoot)
        && Arrays.equals(stateRoot, r.stateRoot);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        referenceTaskIndex,
        Arrays.hashCode(cvmBlockHash),
        Arrays.hashCode(datasetRoot),
        Arrays.hashCode(stateRoot));
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "TaskResponse{task "
        + referenceTaskIndex
        + ", cvmBlockHash 0x"
        + hex.formatHex(cvmBlockHash)
        + ", datasetRoot 0x"
        + hex.formatHex(datasetRoot)
        + ", stateRoot 0x"
        + hex.formatHex(stateRoot)
        + "}";
  }
}
