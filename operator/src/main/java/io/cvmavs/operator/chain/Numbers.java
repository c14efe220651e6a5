package io.cvmavs.operator.chain;

import java.math.BigInteger;
import java.util.HexFormat;

/** Hex quantities as JSON-RPC carries them. */
final class Numbers {
  private Numbers() {}

  static BigInteger uint(String hex) {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    return h.isEmpty() ? BigInteger.ZERO : new BigInteger(h, 16);
  }

  static String hex(byte[] bytes) {
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex);
  }
}
