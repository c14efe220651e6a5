package io.cvmavs.stake.validator;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A CometBFT ed25519 validator public key (32 bytes, as bound in {@code CStaking.consensusKeyOf}).
 * Its CometBFT address is the first 20 bytes of SHA-256(pubkey).
 */
public final class ConsensusKey implements Comparable<ConsensusKey> {
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;
  private final byte[] address;

  private ConsensusKey(byte[] bytes) {
    this.bytes = bytes;
    this.address = Arrays.copyOf(sha256(bytes), 20);
  }

  /** Wraps 32 key bytes; the key is not checked to be a curve point (see {@link #isValidPoint}). */
  public static ConsensusKey of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new ValidatorSetException("an ed25519 consensus key has 32 bytes, got " + bytes.length);
    }
    return new ConsensusKey(bytes.clone());
  }

  /** Parses 64 hex digits, with or without {@code 0x}. */
  public static ConsensusKey ofHex(String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    if (h.length() != 64) {
      throw new ValidatorSetException("consensus key must be 32 bytes of hex, got '" + hex + "'");
    }
    try {
      return new ConsensusKey(HEX.parseHex(h));
    } catch (IllegalArgumentException e) {
      throw new ValidatorSetException("consensus key is not hex: '" + hex + "'");
    }
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The CometBFT validator address: first 20 bytes of SHA-256(pubkey). */
  public byte[] address() {
    return address.clone();
  }

  public String hex() {
    return "0x" + HEX.formatHex(bytes);
  }

  public String base64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Upper-case hex address, as CometBFT prints it. */
  public String addressHex() {
    return HEX.withUpperCase().formatHex(address);
  }

  /**
   * True if the bytes decode to a point of the ed25519 prime-order subgroup (RFC 8032 full
   * validation). CometBFT cannot verify signatures of any other key.
   */
  public boolean isValidPoint() {
    return Ed25519.validatePublicKeyFull(bytes, 0);
  }

  /** Orders by address (unsigned bytes), CometBFT's tie break. */
  @Override
  public int compareTo(ConsensusKey other) {
    return Arrays.compareUnsigned(address, other.address);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsensusKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
