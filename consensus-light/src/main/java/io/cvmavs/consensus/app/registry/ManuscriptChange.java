package io.cvmavs.consensus.app.registry;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One {@code CvmManuscriptRegistry} event as the CVM chain imports it: the entry's status after it
 * ({@link #ACTIVE} for {@code ManuscriptRegistered}, {@link #DEPRECATED}, {@link #REVOKED}), where
 * it is on Ethereum, and for a registration the content hash and locator (zero / empty otherwise).
 */
public record ManuscriptChange(
    byte[] manuscriptHash,
    int status,
    long ethBlock,
    long logIndex,
    byte[] contentHash,
    String locator) {
  public static final int ACTIVE = 1;
  public static final int DEPRECATED = 2;
  public static final int REVOKED = 3;

  public ManuscriptChange {
    manuscriptHash = manuscriptHash.clone();
    contentHash = contentHash.clone();
  }

  /** The contract's name of {@code status}. */
  public static String statusName(int status) {
    return switch (status) {
      case ACTIVE -> "active";
      case DEPRECATED -> "deprecated";
      case REVOKED -> "revoked";
      default -> "status " + status;
    };
  }

  /** True when this change comes at or after position ({@code block}, {@code logIndex}). */
  public boolean atOrAfter(long block, long logIndex) {
    return ethBlock > block || (ethBlock == block && this.logIndex >= logIndex);
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] contentHash() {
    return contentHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManuscriptChange c
        && c.status == status
        && c.ethBlock == ethBlock
        && c.logIndex == logIndex
        && Arrays.equals(c.manuscriptHash, manuscriptHash)
        && Arrays.equals(c.contentHash, contentHash)
        && c.locator.equals(locator);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(manuscriptHash) * 31 + Long.hashCode(ethBlock * 31 + logIndex);
  }

  @Override
  public String toString() {
    return "manuscript 0x"
        + HexFormat.of().formatHex(manuscriptHash)
        + " "
        + statusName(status)
        + " at Ethereum block "
        + ethBlock
        + " log "
        + logIndex
        + (status == ACTIVE
            ? " (content 0x" + HexFormat.of().formatHex(contentHash) + ", " + locator + ")"
            : "");
  }
}
