package io.cvmavs.cvm.proof;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * The canonical byte encoding of a record (one row of a dataset), the leaf payload of the dataset
 * Merkle tree.
 *
 * <pre>
 * record  = u32 fieldCount ‖ field_1 ‖ … ‖ field_n          fields in the schema's column order
 * field   = tag:u8 ‖ payload
 *   0x00 NULL       (no payload)
 *   0x01 BOOLEAN    u8 0 or 1
 *   0x02 INTEGER    i64 big-endian two's complement          TINYINT, SMALLINT, INT, BIGINT
 *   0x03 DECIMAL    u32 len ‖ UTF-8 plain string             BigDecimal without trailing zeros, no exponent,
 *                                                            "0" for zero, "-" sign only; also BigInteger values
 *   0x04 DOUBLE     u64 IEEE-754 bits big-endian             FLOAT widened; -0.0 → +0.0; every NaN → 0x7ff8000000000000
 *   0x05 STRING     u32 len ‖ UTF-8 bytes                    CHAR, VARCHAR, STRING (no Unicode normalisation)
 *   0x06 BYTES      u32 len ‖ bytes                          BINARY, VARBINARY, BYTES
 *   0x07 TIMESTAMP  i64 microseconds since 1970-01-01T00:00Z TIMESTAMP (a LocalDateTime is read as UTC), TIMESTAMP_LTZ
 *   0x08 DATE       i64 days since 1970-01-01
 * </pre>
 *
 * <p>All integers are big-endian; {@code u32} lengths count bytes. Decimals are encoded by value,
 * not by scale, so {@code 1.50} and {@code 1.5} are the same field — different query plans may
 * produce different scales for the same value. Nested types (ARRAY, MAP, ROW) are refused: a
 * manuscript that wants them in an attested dataset turns them into JSON strings first.
 */
public final class CanonicalEncoding {
  public static final byte NULL = 0x00;
  public static final byte BOOLEAN = 0x01;
  public static final byte INTEGER = 0x02;
  public static final byte DECIMAL = 0x03;
  public static final byte DOUBLE = 0x04;
  public static final byte STRING = 0x05;
  public static final byte BYTES = 0x06;
  public static final byte TIMESTAMP = 0x07;
  public static final byte DATE = 0x08;

  private CanonicalEncoding() {}

  public static byte[] encode(List<?> values) {
    return encode(values.toArray());
  }

  public static byte[] encode(Object... values) {
    Out out = new Out(16 + values.length * 12);
    out.u32(values.length);
    for (int i = 0; i < values.length; i++) {
      field(out, values[i], i);
    }
    return out.toByteArray();
  }

  /**
   * The concatenated canonical fields of {@code values[indexes[0]]}, {@code values[indexes[1]]},
   * ...
   */
  public static byte[] encodeFields(Object[] values, int[] indexes) {
    Out out = new Out(indexes.length * 16);
    for (int i : indexes) {
      field(out, values[i], i);
    }
    return out.toByteArray();
  }

  /** The canonical encoding of one value (tag and payload), as it appears inside a record. */
  public static byte[] encodeField(Object value) {
    Out out = new Out(16);
    field(out, value, 0);
    return out.toByteArray();
  }

  private static void field(Out out, Object v, int index) {
    switch (v) {
      case null -> out.write(NULL);
      case Boolean b -> {
        out.write(BOOLEAN);
        out.write(b ? 1 : 0);
      }
      case Byte b -> integer(out, b);
      case Short s -> integer(out, s);
      case Integer i -> integer(out, i);
      case Long l -> integer(out, l);
      case BigInteger bi -> decimal(out, new BigDecimal(bi));
      case BigDecimal bd -> decimal(out, bd);
      case Float f -> dbl(out, f.doubleValue());
      case Double d -> dbl(out, d);
      case String s -> lengthPrefixed(out, STRING, s.getBytes(StandardCharsets.UTF_8));
      case byte[] bytes -> lengthPrefixed(out, BYTES, bytes);
      case LocalDateTime t -> timestamp(out, t.toInstant(ZoneOffset.UTC));
      case Instant t -> timestamp(out, t);
      case LocalDate d -> {
        out.write(DATE);
        out.i64(d.toEpochDay());
      }
      default ->
          throw new ProofException(
              "field "
                  + index
                  + " has type "
                  + v.getClass().getName()
                  + ", which has no canonical encoding (use BOOLEAN, integers, DECIMAL, DOUBLE, STRING,"
                  + " BYTES, TIMESTAMP or DATE; turn nested values into JSON strings)");
    }
  }

  private static void integer(Out out, long value) {
    out.write(INTEGER);
    out.i64(value);
  }

  /** The canonical decimal text: value-equal decimals give the same string. */
  public static String canonicalDecimal(BigDecimal value) {
    if (value.signum() == 0) {
      return "0";
    }
    return value.stripTrailingZeros().toPlainString();
  }

  private static void decimal(Out out, BigDecimal value) {
    lengthPrefixed(out, DECIMAL, canonicalDecimal(value).getBytes(StandardCharsets.US_ASCII));
  }

  private static void dbl(Out out, double d) {
    out.write(DOUBLE);
    long bits;
    if (Double.isNaN(d)) {
      bits = 0x7ff8000000000000L;
    } else if (d == 0.0) {
      bits = 0L;
    } else {
      bits = Double.doubleToRawLongBits(d);
    }
    out.i64(bits);
  }

  private static void timestamp(Out out, Instant t) {
    out.write(TIMESTAMP);
    out.i64(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000));
  }

  private static void lengthPrefixed(Out out, byte tag, byte[] bytes) {
    out.write(tag);
    out.u32(bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  /** A growable byte buffer without the per-byte locking of ByteArrayOutputStream. */
  static final class Out {
    private byte[] buf;
    private int len;

    Out(int size) {
      buf = new byte[Math.max(16, size)];
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    void write(int b) {
      ensure(1);
      buf[len++] = (byte) b;
    }

    void write(byte[] b, int off, int n) {
      ensure(n);
      System.arraycopy(b, off, buf, len, n);
      len += n;
    }

    void u32(int v) {
      ensure(4);
      buf[len++] = (byte) (v >>> 24);
      buf[len++] = (byte) (v >>> 16);
      buf[len++] = (byte) (v >>> 8);
      buf[len++] = (byte) v;
    }

    void i64(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[len++] = (byte) (v >>> s);
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }
  }
}
