package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import java.math.BigInteger;
import java.util.Arrays;

/**
 * {@code CvmTaskManager.getSlashingRequest(id)}. {@code operator} is the accused operator of a
 * {@link Kind#SIGNATURE} request (the zero address for {@link Kind#WRONG_RESULT}); {@code
 * claimedResponseHash = keccak256(abi.encode(claimed))}; {@code bond} in wei.
 */
public record SlashingRequest(
    long taskIndex,
    Status status,
    long createdBlock,
    String challenger,
    Kind kind,
    BigInteger bond,
    String operator,
    byte[] claimedResponseHash) {
  /** {@code SlashingRequestStatus}, in Solidity order. */
  public enum Status {
    NONE,
    PENDING,
    VETOED,
    FULFILLED
  }

  /** {@code SlashingRequestKind}, in Solidity order. */
  public enum Kind {
    /** {@code raiseChallenge}: the signers of a landed response. */
    WRONG_RESULT,
    /** {@code raiseSignatureChallenge}: one operator's signature, landed or not. */
    SIGNATURE
  }

  public SlashingRequest {
    claimedResponseHash = Bytes32.check("claimedResponseHash", claimedResponseHash);
  }

  @Override
  public byte[] claimedResponseHash() {
    return claimedResponseHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlashingRequest r
        && r.taskIndex == taskIndex
        && r.status == status
        && r.createdBlock == createdBlock
        && r.challenger.equalsIgnoreCase(challenger)
        && r.kind == kind
        && r.bond.equals(bond)
        && r.operator.equalsIgnoreCase(operator)
        && Arrays.equals(r.claimedResponseHash, claimedResponseHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(taskIndex) * 31 + Long.hashCode(createdBlock);
  }

  @Override
  public String toString() {
    return "SlashingRequest{task="
        + taskIndex
        + ", "
        + kind
        + ", "
        + status
        + ", createdBlock="
        + createdBlock
        + ", challenger="
        + challenger
        + ", operator="
        + operator
        + ", bond="
        + bond
        + ", claimed="
        + Bytes32.hex(claimedResponseHash)
        + "}";
  }
}
