package io.cvmavs.operator.signer;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing an operator may sign: the digest of its response to task {@code taskIndex} of the task
 * manager at {@code taskManager} on chain {@code chainId}. Two requests with the same task but
 * different digests are an equivocation.
 *
 * @param taskManager 0x-prefixed address; compared case-insensitively (kept lower-case).
 * @param responseDigest 32 bytes: keccak256 of the ABI-encoded TaskResponse.
 */
public record AttestationRequest(
    long chainId, String taskManager, long taskIndex, byte[] responseDigest) {
  public AttestationRequest {
    Objects.requireNonNull(taskManager, "taskManager");
    if (!taskManager.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "task manager must be a 0x-prefixed 20-byte address, got " + taskManager);
    }
    taskManager = taskManager.toLowerCase(Locale.ROOT);
    if (taskIndex < 0) {
      throw new IllegalArgumentException("task index must be >= 0, got " + taskIndex);
    }
    if (responseDigest == null || responseDigest.length != 32) {
      throw new IllegalArgumentException("response digest must be 32 bytes");
    }
    responseDigest = responseDigest.clone();
  }

  @Override
  public byte[] responseDigest() {
    return responseDigest.clone();
  }

  public String responseDigestHex() {
    return "0x" + HexFormat.of().formatHex(responseDigest);
  }

  /** Same chain, task manager and task index (the digest may differ). */
  public boolean sameTask(AttestationRequest other) {
    return chainId == other.chainId
        && taskIndex == other.taskIndex
        && taskManager.equals(other.taskManager);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttestationRequest r
        && sameTask(r)
        && Arrays.equals(responseDigest, r.responseDigest);
  }

  @Override
  public int hashCode() {
    return Objects.hash(chainId, taskManager, taskIndex, Arrays.hashCode(responseDigest));
  }

  @Override
  public String toString() {
    return "task "
        + taskIndex
        + " of "
        + taskManager
        + " on chain "
        + chainId
        + " (response "
        + responseDigestHex()
        + ")";
  }
}
