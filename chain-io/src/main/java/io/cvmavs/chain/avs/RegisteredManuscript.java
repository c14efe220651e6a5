package io.cvmavs.chain.avs;

import java.util.HexFormat;
import java.util.Locale;

/**
 * One entry of the {@code CvmManuscriptRegistry}: {@code manuscriptHash} is keccak-256 of the
 * manuscript file's bytes (what tasks name), {@code contentHash} SHA-256 of the same bytes.
 */
public record RegisteredManuscript(
    byte[] manuscriptHash,
    byte[] contentHash,
    String owner,
    Status status,
    long registeredBlock,
    String locator) {

  /** The contract's {@code Status}, in its declaration order. */
  public enum Status {
    NONE,
    ACTIVE,
    DEPRECATED,
    REVOKED;

    static Status of(int ordinal) {
      Status[] all = values();
      if (ordinal < 0 || ordinal >= all.length) {
        throw new IllegalArgumentException("unknown manuscript status " + ordinal);
      }
      return all[ordinal];
    }

    /** Lower-case name, as printed by the CLI. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public RegisteredManuscript {
    manuscriptHash = manuscriptHash.clone();
    contentHash = contentHash.clone();
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] contentHash() {
    return contentHash.clone();
  }

  /** {@code 0x…} of the manuscript hash. */
  public String hashHex() {
    return "0x" + HexFormat.of().formatHex(manuscriptHash);
  }

  /** {@code 0x…} of the content hash. */
  public String contentHashHex() {
    return "0x" + HexFormat.of().formatHex(contentHash);
  }
}
