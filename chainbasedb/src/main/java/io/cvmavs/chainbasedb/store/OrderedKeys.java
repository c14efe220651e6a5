package io.cvmavs.chainbasedb.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
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

  /**
   * Decodes one value starting at {@code from}; integers come back as int64 (int32 and int64 share
   * an encoding). Sets {@code end[0]} to the offset after the value.
   *
   * @throws IllegalArgumentException on bytes that are not an encoding
   */
  static BsonValue decode(byte[] b, int from, int[] end) {
    if (from >= b.length) {
      throw new IllegalArgumentException("no value at offset " + from);
    }
    int tag = b[from] & 0xFF;
    switch (tag) {
      case 0x05 -> {
        end[0] = from + 1;
        return BsonNull.VALUE;
      }
      case 0x08 -> {
        end[0] = from + 2;
        return BsonBoolean.valueOf(b[from + 1] != 0);
      }
      case 0x10 -> {
        end[0] = from + 9;
        return new BsonInt64(readLong(b, from + 1) ^ Long.MIN_VALUE);
      }
      case 0x11 -> {
        end[0] = from + 9;
        long x = readLong(b, from + 1);
        long bits = x < 0 ? x ^ Long.MIN_VALUE : ~x;
        return new BsonDouble(Double.longBitsToDouble(bits));
      }
      case 0x20 -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = from + 1;
        while (true) {
          if (i + 1 >= b.length) {
            throw new IllegalArgumentException("unterminated string at offset " + from);
          }
          if (b[i] == 0) {
            if (b[i + 1] == 0) {
              end[0] = i + 2;
              return new BsonString(out.toString(StandardCharsets.UTF_8));
            }
            out.write(0);
            i += 2;
          } else {
            out.write(b[i]);
            i++;
          }
        }
      }
      default -> throw new IllegalArgumentException("unknown value tag " + tag + " at " + from);
    }
  }

  private static long readLong(byte[] b, int at) {
    if (at + 8 > b.length) {
      throw new IllegalArgumentException("truncated number at offset " + at);
    }
    long x = 0;
    for (int i = 0; i < 8; i++) {
      x = (x << 8) | (b[at + i] & 0xFF);
    }
    return x;
  }
}
