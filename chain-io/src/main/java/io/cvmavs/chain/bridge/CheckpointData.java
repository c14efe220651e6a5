package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import java.util.Arrays;

/**
 * {@code ICvmCheckpointsTypes.Checkpoint} as the contract takes it (docs/BRIDGE.md "Encodings"):
 * every hash exactly 32 bytes. The CVM chain's own type is {@code
 * io.cvmavs.consensus.app.model.Checkpoint}; chain-io sits below that module, so the relayer maps
 * one onto the other.
 */
public record CheckpointData(
    long height,
    byte[] appHash,
    byte[] cvmBlockHash,
    byte[] cumulativeRoot,
    byte[] withdrawalsRoot,
    byte[] nextValidatorSetHash) {
  public CheckpointData {
    if (height < 0) {
      throw new ChainException("checkpoint height must be >= 0 (uint64), got " + height);
    }
    appHash = word("appHash", appHash);
    cvmBlockHash = word("cvmBlockHash", cvmBlockHash);
    cumulativeRoot = word("cumulativeRoot", cumulativeRoot);
    withdrawalsRoot = word("withdrawalsRoot", withdrawalsRoot);
    nextValidatorSetHash = word("nextValidatorSetHash", nextValidatorSetHash);
  }

  private static byte[] word(String field, byte[] v) {
    if (v == null || v.length != 32) {
      throw new ChainException(
          "checkpoint " + field + " must be 32 bytes, got " + (v == null ? "none" : v.length));
    }
    return v.clone();
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
    return o instanceof CheckpointData c
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
}
