package io.cvmavs.chainbasedb.format;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The canonical binary encoding of DB3 fields: Parquet's PLAIN encoding of the physical type behind
 * each logical type (docs/DB3-FORMAT.md §2). UINT32/UINT64 are INT32/INT64 little-endian; STRING,
 * ENUM, BSON and BINARY are BYTE_ARRAY (u32 little-endian length, then the bytes); UINT256 is a
 * FIXED_LEN_BYTE_ARRAY(32) big-endian; an OPTIONAL value has one presence byte (0 or 1) where
 * Parquet would use a definition level; a LIST is a u32 count, then its items.
 */
public final class Plain {
  private Plain() {}

  /** Appends fields in order. Not thread-safe. */
  public static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    public Writer u32(long v) {
      if (v < 0 || v > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("UINT32 out of range: " + v);
      }
      for (int i = 0; i < 4; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    /** UINT64: the long's 64 bits, read as unsigned. */
    public Writer u64(long v) {
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    public Writer bool(boolean v) {
      out.write(v ? 1 : 0);
      return this;
    }

    public Writer bytes(byte[] v) {
      u32(v.length);
      out.writeBytes(v);
      return this;
    }

    public Writer string(String v) {
      return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    public Writer fixed(byte[] v, int length) {
      if (v.length != length) {
        throw new IllegalArgumentException("FIXED_LEN_BYTE_ARRAY(" + length + ") got " + v.length);
      }
      out.writeBytes(v);
      return this;
    }

    public Writer raw(byte[] v) {
      out.writeBytes(v);
      return this;
    }

    public <T> Writer list(List<T> items, java.util.function.BiConsumer<Writer, T> each) {
      u32(items.size());
      for (T t : items) {
        each.accept(this, t);
      }
      return this;
    }

    public byte[] toBytes() {
      return out.toByteArray();
    }
  }

  /** Reads fields in order; every error names the field being read. */
  public static final class Reader {
    private final byte[] in;
    private int pos;

    public Reader(byte[] in) {
      this.in = in;
    }

    private void need(String field, int n) {
      if (n < 0 || in.length - pos < n) {
        throw new FormatException(
            field,
            "truncated: needs " + n + " bytes at offset " + pos + ", " + remaining() + " left");
      }
    }

    public int remaining() {
      return in.length - pos;
    }

    public long u32(String field) {
      need(field, 4);
      long v = 0;
      for (int i = 0; i < 4; i++) {
        v |= (in[pos++] & 0xFFL) << (8 * i);
      }
      return v;
    }

    public long u64(String field) {
      need(field, 8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (in[pos++] & 0xFFL) << (8 * i);
      }
      return v;
    }

    public boolean bool(String field) {
      need(field, 1);
      int b = in[pos++];
      if (b != 0 && b != 1) {
        throw new FormatException(field, "a boolean / presence byte is 0 or 1, got " + b);
      }
      return b == 1;
    }

    public byte[] bytes(String field, int max) {
      long n = u32(field);
      if (n > max) {
        throw new FormatException(field, "length " + n + " exceeds the limit " + max);
      }
      need(field, (int) n);
      byte[] v = java.util.Arrays.copyOfRange(in, pos, pos + (int) n);
      pos += (int) n;
      return v;
    }

    public String string(String field, int maxBytes) {
      byte[] b = bytes(field, maxBytes);
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(java.nio.ByteBuffer.wrap(b))
            .toString();
      } catch (CharacterCodingException e) {
        throw new FormatException(field, "not valid UTF-8");
      }
    }

    public byte[] fixed(String field, int length) {
      need(field, length);
      byte[] v = java.util.Arrays.copyOfRange(in, pos, pos + length);
      pos += length;
      return v;
    }

    public <T> List<T> list(String field, int maxItems, Function<String, T> item) {
      long n = u32(field);
      if (n > maxItems) {
        throw new FormatException(field, n + " items exceed the limit " + maxItems);
      }
      List<T> out = new ArrayList<>((int) n);
      for (int i = 0; i < n; i++) {
        out.add(item.apply(field + "[" + i + "]"));
      }
      return out;
    }

    public void end(String what) {
      if (pos != in.length) {
        throw new FormatException(what, (in.length - pos) + " trailing bytes after the last field");
      }
    }
  }
}
