package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code ICvmTaskManagerTypes.Task} with its index. {@code quorumNumbers}: one byte per quorum,
 * strictly ascending; {@code taskCreatedBlock} is the reference block for stakes and APKs.
 */
public record CvmTask(
    long taskIndex,
    long cvmBlockHeight,
    byte[] manuscriptHash,
    byte[] inputCommitment,
    byte[] quorumNumbers,
    long quorumThresholdPercentage,
    long taskCreatedBlock) {
  public CvmTask {
    manuscriptHash = Bytes32.check("manuscriptHash", manuscriptHash);
    inputCommitment = Bytes32.check("inputCommitment", inputCommitment);
    quorumNumbers = quorumNumbers.clone();
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
  public byte[] quorumNumbers() {
    return quorumNumbers.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CvmTask t
        && t.taskIndex == taskIndex
        && t.cvmBlockHeight == cvmBlockHeight
        && Arrays.equals(t.manuscriptHash, manuscriptHash)
        && Arrays.equals(t.inputCommitment, inputCommitment)
        && Arrays.equals(t.quorumNumbers, quorumNumbers)
        && t.quorumThresholdPercentage == quorumThresholdPercentage
        && t.taskCreatedBlock == taskCreatedBlock;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(taskIndex) * 31 + Long.hashCode(taskCreatedBlock);
  }

  @Override
  public String toString() {
    return "Task#"
        + taskIndex
        + "{cvmBlock="
        + cvmBlockHeight
        + ", manuscript=0x"
        + HexFormat.of().formatHex(manuscriptHash)
        + ", quorums=0x"
        + HexFormat.of().formatHex(quorumNumbers)
        + ", threshold="
        + quorumThresholdPercentage
        + "%, createdBlock="
        + taskCreatedBlock
        + "}";
  }
}
