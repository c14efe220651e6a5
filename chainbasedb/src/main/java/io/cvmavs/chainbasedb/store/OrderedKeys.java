package io.cvmavs.chainbasedb.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bson.BsonValue;

/**
 * Order-preserving byte encoding of index values (docs/DB3-FORMAT.md §9.2): comparing encodings
 * byte by byte (unsigned) orders tuples of values by type rank (null &lt; boolean &lt; integer &lt;
 * double &lt; string), then by value; every value is self-delimiting, so the encoding of a tuple's
 * first k values is a byte prefix of the whole tuple's.
 *
 * <ul>
 *   <li>null / missing: 0x05
 *   <li>boolean: 0x08, then 0x00 or 0x01
 *   <li>int32, int64: 0x10, then the value as 64-bit big-endian with the sign bit flipped
 *   <li>double: 0x11, then the IEEE-754 bits big-endian, all bits flipped when negative, else the
 *       sign bit flipped (the order of {@link Double#compare}: −0.0 &lt; 0.0, NaN last)
 *   <li>string: 0x20, the UTF-8 bytes with 0x00 written as 0x00 0xFF, then 0x00 0x00
 * </ul>
 */
public final class OrderedKeys {
  private OrderedKeys() {}

  public static byte[] encode(List<BsonValue> values) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(32);
    for (BsonValue v : values) {
      write(out, v);
    }
    return out.toByteArray();
  }

  static void write(ByteArrayOutputStream out, BsonValue v) {
    switch (v.getBsonType()) {
      case NULL -> out.write(0x05);
      case BOOLEAN -> {
        out.write(0x08);
        out.write(v.asBoolean().getValue() ? 1 : 0);
      }
      case INT32 -> {
        out.write(0x10);
        long8(out, v.asInt32().getValue() ^ Long.MIN_VALUE);
      }
      case INT64 -> {
        out.write(0x10);
        long8(out, v.asInt64().getValue() ^ Long.MIN_VALUE);
      }
      case DOUBLE -> {
        out.write(0x11);
        long bits = Double.doubleToLongBits(v.asDouble().getValue());
        long8(out, bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
      }
      case STRING -> {
        out.write(0x20);
        for (byte b : v.asString().getValue().getBytes(StandardCharsets.UTF_8)) {
          out.write(b);
          if (b == 0) {
            out.write(0xFF);
          }
        }
        out.write(0);
        out.write(0);
      }
      default -> throw new IllegalArgumentException("not indexable: " + v.getBsonType());
    }
  }

  private static void long8(ByteArrayOutputStream out, long x) {
    for (int i = 7; i >= 0; i--) {
      out.write((int) (x >>> (8 * i)));
    }
  }

  /**
   * The smallest byte string greater than every string that starts with {@code prefix}; null when
   * there is none (all 0xFF).
   */
  static byte[] successor(byte[] prefix) {
    byte[] s = prefix.clone();
    for (int i = s.length - 1; i >= 0; i--) {
      if (s[i] != (byte) 0xFF) {
        s[i]++;
        return java.util.Arrays.copyOf(s, i + 1);
      }
    }
    return null;
  }
}
