package io.cvmavs.storage.backend;

/**
 * Proof of a put: which backend holds the group file, where ({@code locator}), its size and its
 * SHA-256 ({@code hash}, lower-case hex, the file hash of docs/STORAGE.md).
 */
public record Receipt(String backend, String locator, long size, String hash) {
  public Receipt {
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("receipt hash must be 64 lower-case hex digits: " + hash);
    }
  }
}
