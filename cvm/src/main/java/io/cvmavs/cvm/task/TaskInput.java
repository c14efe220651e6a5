package io.cvmavs.cvm.task;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the CVM needs of a task, whatever chain or contract it came from: its index (echoed in the
 * result), the CVM block height, the manuscript (keccak256 of its file) and the input commitment
 * ({@link CvmTaskComputer#inputCommitmentHash}). Quorums and thresholds are the AVS's business, not
 * the CVM's.
 */
public record TaskInput(
    long taskIndex, long cvmBlockHeight, byte[] manuscriptHash, byte[] inputCommitment) {
  public TaskInput {
    if (cvmBlockHeight < 0) {
      throw new IllegalArgumentException("CVM block height must be >= 0, got " + cvmBlockHeight);
    }
    manuscriptHash = check("manuscriptHash", manuscriptHash);
    inputCommitment = check("inputCommitment", inputCommitment);
  }

  private static byte[] check(String field, byte[] value) {
    if (value == null || value.length != 32) {
      throw new IllegalArgumentException(
          field + " must be 32 bytes, got " + (value == null ? "null" : value.length));
    }
    return value.clone();
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] inputCommitment() {
    return inputCommitment.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskInput t
        && t.taskIndex == taskIndex
        && t.cvmBlockHeight == cvmBlockHeight
        && Arrays.equals(t.manuscriptHash, manuscriptHash)
        && Arrays.equals(t.inputCommitment, inputCommitment);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(taskIndex) * 31 + Arrays.hashCode(inputCommitment);
  }

  @Override
  public String toString() {
    return "TaskInput{task="
        + taskIndex
        + ", cvmBlock="
        + cvmBlockHeight
        + ", manuscript=0x"
        + HexFormat.of().formatHex(manuscriptHash)
        + ", input=0x"
        + HexFormat.of().formatHex(inputCommitment)
        + "}";
  }
}
