package io.cvmavs.chain.abi;

import java.util.HexFormat;

/** Checks and converts 32-byte values (hashes, roots, operator ids). */
public final class Bytes32 {
  private Bytes32() {}

  public static byte[] check(String what, byte[] value) {
    if (value == null || value.length != 32) {
      throw new IllegalArgumentException(
          what + " must be 32 bytes, got " + (value == null ? "null" : value.length + " bytes"));
    }
    return value.clone();
  }

  /** Parses 0x + 64 hex digits (case-insensitive). */
  public static byte[] parse(String what, String hex) {
    if (hex == null || !hex.matches("0x[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(what + " must be 0x + 64 hex digits, got " + hex);
    }
    return HexFormat.of().parseHex(hex.substring(2));
  }

  public static String hex(byte[] value) {
    return "0x" + HexFormat.of().formatHex(value);
  }
}
