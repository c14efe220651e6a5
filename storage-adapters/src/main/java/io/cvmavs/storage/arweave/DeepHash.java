package io.cvmavs.storage.arweave;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Arweave's deep hash (SHA-384) of a tree of byte strings:
 *
 * <pre>
 * blob b        = SHA-384( SHA-384("blob" ‖ decimal(len b)) ‖ SHA-384(b) )
 * list [x1..xn] = fold acc = SHA-384("list" ‖ decimal(n)); acc = SHA-384(acc ‖ deepHash(xi))
 * </pre>
 *
 * Elements are {@code byte[]} or {@code List} of elements.
 */
public final class DeepHash {
  private DeepHash() {}

  public static byte[] of(Object value) {
    if (value instanceof byte[] b) {
      byte[] tag = sha384(ascii("blob" + b.length));
      return sha384(tag, sha384(b));
    }
    if (value instanceof List<?> list) {
      byte[] acc = sha384(ascii("list" + list.size()));
      for (Object item : list) {
        acc = sha384(acc, of(item));
      }
      return acc;
    }
    throw new IllegalArgumentException(
        "deep hash takes byte[] or List, not " + (value == null ? "null" : value.getClass()));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] sha384(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-384");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
