package io.cvmavs.consensus.app.model;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What validators sign at CometBFT height {@code height} (ExtendVote for H), exactly as {@code
 * checkpoint-spec.md} defines it:
 *
 * <pre>
 * digest = keccak256(abi.encode(CHECKPOINT_TYPEHASH, keccak256(bytes(chainId)), height, appHash,
 *                               cvmBlockHash, cumulativeRoot, withdrawalsRoot, nextValidatorSetHash))
 * </pre>
 *
 * @param appHash the app hash committed after H-1 (= header H's app_hash)
 * @param cvmBlockHash the CVM block proposed at H, or 32 zero bytes
 * @param cumulativeRoot the CVM-block accumulator's root after H-1
 * @param withdrawalsRoot the withdrawals accumulator's root after H-1
 * @param nextValidatorSetHash the hash of the BLS set that signs checkpoints from H+1 on
 */
public record Checkpoint(
    long height,
    byte[] appHash,
    byte[] cvmBlockHash,
    byte[] cumulativeRoot,
    byte[] withdrawalsRoot,
    byte[] nextValidatorSetHash) {
  public static final String CHECKPOINT_TYPE =
      "CvmCheckpoint(uint64 height,bytes32 appHash,bytes32 cvmBlockHash,bytes32 cumulativeRoot,"
          + "bytes32 withdrawalsRoot,bytes32 nextValidatorSetHash)";
  public static final byte[] CHECKPOINT_TYPEHASH = AbiWords.keccak(CHECKPOINT_TYPE);

  public Checkpoint {
    if (height < 0) {
      throw new AppException("checkpoint height must be >= 0, got " + height);
    }
    appHash = word("appHash", appHash);
    cvmBlockHash = word("cvmBlockHash", cvmBlockHash);
    cumulativeRoot = word("cumulativeRoot", cumulativeRoot);
    withdrawalsRoot = word("withdrawalsRoot", withdrawalsRoot);
    nextValidatorSetHash = word("nextValidatorSetHash", nextValidatorSetHash);
  }

  private static byte[] word(String field, byte[] value) {
    if (value == null || value.length != 32) {
      throw new AppException(
          "checkpoint field "
              + field
              + " must be 32 bytes, got "
              + (value == null ? "none" : value.length));
    }
    return value.clone();
  }

  /** keccak256 of the CometBFT chain id string. */
  public static byte[] cvmChainId(String cometChainId) {
    return AbiWords.keccak(cometChainId);
  }

  /** The 32-byte message every validator signs with BLS. */
  public byte[] digest(String cometChainId) {
    return AbiWords.of()
        .bytes32(CHECKPOINT_TYPEHASH)
        .bytes32(cvmChainId(cometChainId))
        .uint(height)
        .bytes32(appHash)
        .bytes32(cvmBlockHash)
        .bytes32(cumulativeRoot)
        .bytes32(withdrawalsRoot)
        .bytes32(nextValidatorSetHash)
        .keccak();
  }

  @Override
  public byte[] appHash() {
    return appHash.clone();
  }

  @Override
  public byte[] cvmBlockHash() {
    return cvmBlockHash.clone();
  }

  @Override
  public byte[] cumulativeRoot() {
    return cumulativeRoot.clone();
  }

  @Override
  public byte[] withdrawalsRoot() {
    return withdrawalsRoot.clone();
  }

  @Override
  public byte[] nextValidatorSetHash() {
    return nextValidatorSetHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c
        && c.height == height
        && Arrays.equals(c.appHash, appHash)
        && Arrays.equals(c.cvmBlockHash, cvmBlockHash)
        && Arrays.equals(c.cumulativeRoot, cumulativeRoot)
        && Arrays.equals(c.withdrawalsRoot, withdrawalsRoot)
        && Arrays.equals(c.nextValidatorSetHash, nextValidatorSetHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(height) * 31 + Arrays.hashCode(appHash);
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return "Checkpoint{height="
        + height
        + ", appHash=0x"
        + h.formatHex(appHash)
        + ", cvmBlockHash=0x"
        + h.formatHex(cvmBlockHash)
        + ", cumulativeRoot=0x"
        + h.formatHex(cumulativeRoot)
        + ", withdrawalsRoot=0x"
        + h.formatHex(withdrawalsRoot)
        + ", nextValidatorSetHash=0x"
        + h.formatHex(nextValidatorSetHash)
        + "}";
  }
}
