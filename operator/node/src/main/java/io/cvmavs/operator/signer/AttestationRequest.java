package io.cvmavs.operator.signer;

import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * One thing an operator may sign: its response to task {@code taskIndex} of the task manager at
 * {@code taskManager} on chain {@code chainId}, as the digest the contract checks, {@code
 * keccak256(abi.encode(chainId, taskManager, response))} (= {@code CvmTaskManager.responseDigest}).
 * Built from the response itself ({@link #of}), so the task index slashing protection keys on is
 * always the one inside the signed bytes. Two requests for one task with different digests are an
 * equivocation.
 */
public final class AttestationRequest {
  private final long chainId;
  private final String taskManager;
  private final long taskIndex;
  private final byte[] responseDigest;

  private AttestationRequest(
      long chainId, String taskManager, long taskIndex, byte[] responseDigest) {
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain id must be positive, got " + chainId);
    }
    if (taskIndex < 0 || taskIndex > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("task index must fit uint32, got " + taskIndex);
    }
    if (responseDigest == null || responseDigest.length != 32) {
      throw new IllegalArgumentException("response digest must be 32 bytes");
    }
    this.chainId = chainId;
    this.taskManager = address(taskManager);
    this.taskIndex = taskIndex;
    this.responseDigest = responseDigest.clone();
  }

  /**
   * The request to sign {@code response} for the task manager at {@code taskManager} on {@code
   * chainId}.
   */
  public static AttestationRequest of(long chainId, String taskManager, TaskResponse response) {
    String manager = address(taskManager);
    return new AttestationRequest(
        chainId,
        manager,
        response.referenceTaskIndex(),
        TaskManagerAbi.responseDigest(chainId, manager, response));
  }

  /**
   * A request as recorded in a journal or an export (the digest was computed by {@link #of} when it
   * was signed).
   */
  static AttestationRequest recorded(
      long chainId, String taskManager, long taskIndex, byte[] responseDigest) {
    return new AttestationRequest(chainId, taskManager, taskIndex, responseDigest);
  }

  private static String address(String value) {
    Objects.requireNonNull(value, "taskManager");
    if (!value.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "task manager must be a 0x-prefixed 20-byte address, got " + value);
    }
    return value.toLowerCase(Locale.ROOT);
  }

  public long chainId() {
    return chainId;
  }

  /** Lower-case 0x address. */
  public String taskManager() {
    return taskManager;
  }

  public long taskIndex() {
    return taskIndex;
  }

  /** The 32 bytes that are signed. */
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
