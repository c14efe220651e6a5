package io.cvmavs.consensus.abci;

import com.google.protobuf.MessageLite;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * ABCI socket framing of CometBFT v0.38: each message is an unsigned varint (protobuf base-128)
 * byte length followed by that many bytes of protobuf. (v0.34 used a signed, zig-zag varint; v0.38
 * does not.)
 */
public final class Frames {
  /** The longest unsigned varint of a 64-bit value. */
  private static final int MAX_VARINT_BYTES = 10;

  /**
   * The body buffer's first size: a frame's buffer grows (doubling, up to its declared length) only
   * as its bytes arrive, so a peer cannot make us allocate {@code maxBytes} with a 5-byte prefix.
   */
  static final int INITIAL_BODY_BUFFER = 64 * 1024;

  private Frames() {}

  /** Writes {@code message} as one frame (not flushed). */
  public static void write(OutputStream out, MessageLite message) throws IOException {
    byte[] body = message.toByteArray();
    writeVarint(out, body.length);
    out.write(body);
  }

  /** Writes {@code value} as an unsigned varint. */
  public static void writeVarint(OutputStream out, long value) throws IOException {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /**
   * Reads one frame's body.
   *
   * @return the body, or {@code null} when the stream ends cleanly before a frame starts
   * @throws FrameException the length prefix is malformed, larger than {@code maxBytes}, or the
   *     stream ends inside a frame
   */
  public static byte[] read(InputStream in, int maxBytes) throws IOException {
    long length = 0;
    int shift = 0;
    for (int i = 0; ; i++) {
      int b = in.read();
      if (b < 0) {
        if (i == 0) {
          return null;
        }
        throw new FrameException(
            "stream ended inside a frame's length prefix (after " + i + " bytes)");
      }
      if (i == MAX_VARINT_BYTES - 1 && (b & 0xFE) != 0) {
        throw new FrameException(
            "frame length prefix is not a valid unsigned varint (over 64 bits)");
      }
      length |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (i + 1 == MAX_VARINT_BYTES) {
        throw new FrameException("frame length prefix is longer than 10 bytes");
      }
    }
    if (length < 0 || length > maxBytes) {
      throw new FrameException(
          "frame of "
              + Long.toUnsignedString(length)
              + " bytes exceeds the limit of "
              + maxBytes
              + " bytes");
    }
    byte[] body = readBody(in, (int) length);
    if (body == null) {
      throw new FrameException("stream ended inside a frame of " + length + " bytes");
    }
    return body;
  }

  /** The next {@code length} bytes, or {@code null} if the stream ends first. */
  private static byte[] readBody(InputStream in, int length) throws IOException {
    byte[] buffer = new byte[Math.min(length, INITIAL_BODY_BUFFER)];
    int off = 0;
    while (off < length) {
      if (off == buffer.length) {
        buffer = Arrays.copyOf(buffer, (int) Math.min(length, 2L * buffer.length));
      }
      int n = in.read(buffer, off, buffer.length - off);
      if (n < 0) {
        return null;
      }
      off += n;
    }
    return buffer;
  }
}
