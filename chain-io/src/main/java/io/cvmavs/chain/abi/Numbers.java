package io.cvmavs.chain.abi;

import java.math.BigInteger;
import java.util.HexFormat;

/** Hex quantities as JSON-RPC carries them. */
public final class Numbers {
  private Numbers() {}

  public static BigInteger uint(String hex) {
    String h = hex.startsWith("0x") ? hex.substring(2) : hex;
    return h.isEmpty() ? BigInteger.ZERO : new BigInteger(h, 16);
  }

  public static String hex(byte[] bytes) {
    return "0x" + HexFormat.of().formatHex(bytes);
  }

  public static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.startsWith("0x") ? hex.substring(2) : hex);
  }
}
