package io.cvmavs.consensus.abci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.RequestCheckTx;
import io.cvmavs.consensus.proto.abci.RequestEcho;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FramesTest {
  /** Hands out at most one byte per read, as a slow TCP stream may. */
  private static final class OneByteAtATime extends FilterInputStream {
    OneByteAtATime(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(1, len));
    }
  }

  @Test
  void varintMatchesProtobufEncodingAcrossLengths() throws IOException {
    for (long v : new long[] {0, 1, 127, 128, 300, 16_383, 16_384, 1L << 32, Long.MAX_VALUE, -1}) {
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      Frames.writeVarint(ours, v);
      ByteArrayOutputStream theirs = new ByteArrayOutputStream();
      com.google.protobuf.CodedOutputStream c =
          com.google.protobuf.CodedOutputStream.newInstance(theirs);
      c.writeUInt64NoTag(v);
      c.flush();
      assertThat(ours.toByteArray()).as("varint of %d", v).isEqualTo(theirs.toByteArray());
    }
  }

  @Test
  void framesRoundTripWithSplitReads() throws IOException {
    Random random = new Random(7);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Request[] sent = new Request[50];
    for (int i = 0; i < sent.length; i++) {
      byte[] tx = new byte[random.nextInt(i == 49 ? 300_000 : 3_000)];
      random.nextBytes(tx);
      sent[i] =
          i % 2 == 0
              ? Request.newBuilder().setEcho(RequestEcho.newBuilder().setMessage("m" + i)).build()
              : Request.newBuilder()
                  .setCheckTx(RequestCheckTx.newBuilder().setTx(ByteString.copyFrom(tx)))
                  .build();
      Frames.write(out, sent[i]);
    }
    InputStream in = new OneByteAtATime(new ByteArrayInputStream(out.toByteArray()));
    for (Request expected : sent) {
      assertThat(Request.parseFrom(Frames.read(in, 1 << 20))).isEqualTo(expected);
    }
    assertThat(Frames.read(in, 1 << 20)).as("clean end of stream").isNull();
  }

  /** Records the largest read the frame reader asks for: its body buffer's size at that time. */
  private static final class LargestRead extends FilterInputStream {
    int largest;

    LargestRead(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      largest = Math.max(largest, len);
      return super.read(b, off, len);
    }
  }

  @Test
  void maxSizePrefixWithoutBodyDoesNotAllocateTheDeclaredLength() throws IOException {
    // The largest cap a caller can pass: the old reader allocated 2 GiB here before any body byte.
    int max = Integer.MAX_VALUE;
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    Frames.writeVarint(prefix, max);
    assertThat(prefix.size()).isEqualTo(5);
    LargestRead in = new LargestRead(new ByteArrayInputStream(prefix.toByteArray()));
    assertThatThrownBy(() -> Frames.read(in, max))
        .isInstanceOf(FrameException.class)
        .hasMessage("stream ended inside a frame of " + max + " bytes");
    assertThat(in.largest).isEqualTo(Frames.INITIAL_BODY_BUFFER).isLessThan(max);
  }

  @Test
  void bodyLargerThanTheFirstBufferGrowsAsItArrives() throws IOException {
    byte[] body = new byte[5 * Frames.INITIAL_BODY_BUFFER + 123];
    new Random(7).nextBytes(body);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Frames.writeVarint(out, body.length);
    out.write(body);
    LargestRead in = new LargestRead(new ByteArrayInputStream(out.toByteArray()));
    assertThat(Frames.read(in, body.length)).isEqualTo(body);
    assertThat(in.largest).isLessThan(body.length);
    // Ends one byte short: refused, not padded.
    byte[] cut = Arrays.copyOf(out.toByteArray(), out.size() - 1);
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(cut), body.length))
        .isInstanceOf(FrameException.class)
        .hasMessage("stream ended inside a frame of " + body.length + " bytes");
  }

  @Test
  void emptyFrameIsAnEmptyBody() throws IOException {
    assertThat(Frames.read(new ByteArrayInputStream(new byte[] {0}), 10)).isEmpty();
  }

  @Test
  void oversizedFrameIsRefusedBeforeItsBodyIsRead() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    out.write(0x08); // 1025
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(out.toByteArray()), 1024))
        .isInstanceOf(FrameException.class)
        .hasMessage("frame of 1025 bytes exceeds the limit of 1024 bytes");
  }

  @Test
  void hugeLengthPrefixIsRefused() {
    byte[] prefix = new byte[10];
    Arrays.fill(prefix, (byte) 0xFF);
    prefix[9] = 0x01; // 2^64 - 1
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(prefix), 1024))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void overlongVarintIsRefused() {
    byte[] prefix = new byte[11];
    Arrays.fill(prefix, (byte) 0x80);
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(prefix), 1024))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("not a valid unsigned varint");
  }

  @Test
  void truncatedFramesAreRefused() {
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(new byte[] {(byte) 0x80}), 1024))
        .isInstanceOf(FrameException.class)
        .hasMessageContaining("inside a frame's length prefix");
    assertThatThrownBy(() -> Frames.read(new ByteArrayInputStream(new byte[] {5, 1, 2}), 1024))
        .isInstanceOf(FrameException.class)
        .hasMessage("stream ended inside a frame of 5 bytes");
  }
}
