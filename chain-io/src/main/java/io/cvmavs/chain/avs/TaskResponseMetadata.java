package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ICvmTaskManagerTypes.TaskResponseMetadata}: recorded with a response (and needed to
 * challenge it). {@code hashOfNonSigners = keccak256(abi.encodePacked(nonSignerIds))} (ascending);
 * per-quorum stakes follow {@code task.quorumNumbers}.
 */
public record TaskResponseMetadata(
    long taskRespondedBlock,
    byte[] hashOfNonSigners,
    List<BigInteger> signedStakeForQuorum,
    List<BigInteger> totalStakeForQuorum) {
  public TaskResponseMetadata {
    hashOfNonSigners = Bytes32.check("hashOfNonSigners", hashOfNonSigners);
    signedStakeForQuorum = List.copyOf(signedStakeForQuorum);
    totalStakeForQuorum = List.copyOf(totalStakeForQuorum);
  }

  @Override
  public byte[] hashOfNonSigners() {
    return hashOfNonSigners.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskResponseMetadata m
        && m.taskRespondedBlock == taskRespondedBlock
        && Arrays.equals(m.hashOfNonSigners, hashOfNonSigners)
        && m.signedStakeForQuorum.equals(signedStakeForQuorum)
        && m.totalStakeForQuorum.equals(totalStakeForQuorum);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hashOfNonSigners) * 31 + Long.hashCode(taskRespondedBlock);
  }

  @Override
  public String toString() {
    return "TaskResponseMetadata{respondedBlock="
        + taskRespondedBlock
        + ", hashOfNonSigners="
        + Bytes32.hex(hashOfNonSigners)
        + ", signed="
        + signedStakeForQuorum
        + ", total="
        + totalStakeForQuorum
        + "}";
  }
}
