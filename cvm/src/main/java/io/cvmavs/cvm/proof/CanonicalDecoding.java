package io.cvmavs.cvm.proof;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads records written by {@link CanonicalEncoding} back into values: INTEGER as {@link Long},
 * DECIMAL as {@link BigDecimal}, DOUBLE as {@link Double}, TIMESTAMP as a UTC {@link
 * LocalDateTime}, DATE as {@link LocalDate}. Decoding then encoding gives the same bytes.
 */
public final class CanonicalDecoding {
  private CanonicalDecoding() {}

  public static Object[] decode(byte[] record) {
    ByteBuffer in = ByteBuffer.wrap(record);
    try {
      int n = in.getInt();
      if (n < 0 || n > record.length) {
        throw new ProofException("record claims " + n + " fields in " + record.length + " bytes");
      }
      Object[] values = new Object[n];
      for (int i = 0; i < n; i++) {
        values[i] = field(in, i);
      }
      if (in.hasRemaining()) {
        throw new ProofException(in.remaining() + " bytes left after the last field of a record");
      }
      return values;
    } catch (java.nio.BufferUnderflowException e) {
      throw new ProofException("record is truncated (" + record.length + " bytes)");
    }
  }

  private static Object field(ByteBuffer in, int index) {
    byte tag = in.get();
    return switch (tag) {
      case CanonicalEncoding.NULL -> null;
      case CanonicalEncoding.BOOLEAN -> in.get() != 0;
      case CanonicalEncoding.INTEGER -> in.getLong();
      case CanonicalEncoding.DECIMAL -> new BigDecimal(text(in, StandardCharsets.US_ASCII));
      case CanonicalEncoding.DOUBLE -> Double.longBitsToDouble(in.getLong());
      case CanonicalEncoding.STRING -> text(in, StandardCharsets.UTF_8);
      case CanonicalEncoding.BYTES -> bytes(in);
      case CanonicalEncoding.TIMESTAMP -> {
        long micros = in.getLong();
        Instant t =
            Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
        yield LocalDateTime.ofInstant(t, ZoneOffset.UTC);
      }
      case CanonicalEncoding.DATE -> LocalDate.ofEpochDay(in.getLong());
      default ->
          throw new ProofException(
              "field " + index + " has unknown tag 0x" + Integer.toHexString(tag & 0xff));
    };
  }

  /** A length-prefixed text field, decoded straight from the record (no intermediate copy). */
  private static String text(ByteBuffer in, java.nio.charset.Charset charset) {
    int len = length(in);
    String s = new String(in.array(), in.arrayOffset() + in.position(), len, charset);
    in.position(in.position() + len);
    return s;
  }

  private static int length(ByteBuffer in) {
    int len = in.getInt();
    if (len < 0 || len > in.remaining()) {
      throw new ProofException(
          "a field claims " + len + " bytes but " + in.remaining() + " remain");
    }
    return len;
  }

  private static byte[] bytes(ByteBuffer in) {
    byte[] b = new byte[length(in)];
    in.get(b);
    return b;
  }
}
