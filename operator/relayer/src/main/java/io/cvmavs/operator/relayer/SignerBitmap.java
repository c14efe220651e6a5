package io.cvmavs.operator.relayer;

import java.util.ArrayList;
import java.util.List;

/**
 * The CVM chain's signer bitmap (little-endian: entry i ↔ bit i % 8 of byte i / 8, exactly ⌈n/8⌉
 * bytes, no bit at or beyond n) turned into what {@code CvmCheckpoints.submitCheckpoint} takes: the
 * strictly ascending indices of the entries that did not sign.
 */
public final class SignerBitmap {
  private SignerBitmap() {}

  /**
   * @throws IllegalArgumentException naming the problem when the bitmap has the wrong length or a
   *     bit beyond the set
   */
  public static List<Integer> nonSigners(byte[] bitmap, int setSize) {
    if (setSize <= 0) {
      throw new IllegalArgumentException("validator set size must be > 0, got " + setSize);
    }
    int expected = (setSize + 7) / 8;
    if (bitmap.length != expected) {
      throw new IllegalArgumentException(
          "signer bitmap has "
              + bitmap.length
              + " bytes, a set of "
              + setSize
              + " needs "
              + expected);
    }
    for (int i = setSize; i < expected * 8; i++) {
      if (isSet(bitmap, i)) {
        throw new IllegalArgumentException(
            "signer bitmap sets bit " + i + ", beyond the set of " + setSize);
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < setSize; i++) {
      if (!isSet(bitmap, i)) {
        out.add(i);
      }
    }
    return out;
  }

  static boolean isSet(byte[] bitmap, int i) {
    return (bitmap[i / 8] >> (i % 8) & 1) == 1;
  }
}
