package io.cvmavs.storage.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.TestBlocks;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class BlockGroupTest {
  static final List<CvmBlock> CHAIN = TestBlocks.chain(6, 50, 1);

  @Test
  void roundTripsBlocksAndHeaderFields() {
    List<PreviousLocator> prev =
        List.of(new PreviousLocator("local", "ab12"), new PreviousLocator("s3", "groups/ab12"));
    BlockGroup g = BlockGroup.pack(31337, TestBlocks.MANUSCRIPT, CHAIN.subList(2, 5), prev);
    BlockGroup back = BlockGroup.parse(g.bytes());
    GroupHeader h = back.header();
    assertThat(h.chainId()).isEqualTo(31337);
    assertThat(h.manuscriptHash()).isEqualTo(Keccak.hash(TestBlocks.MANUSCRIPT));
    assertThat(h.firstHeight()).isEqualTo(2);
    assertThat(h.lastHeight()).isEqualTo(4);
    assertThat(h.blockCount()).isEqualTo(3);
    assertThat(h.previous()).isEqualTo(prev);
    assertThat(h.previousOn("s3")).isEqualTo("groups/ab12");
    assertThat(h.bodySize()).isLessThan(h.payloadSize());
    PayloadCodec.Decoded d = back.decode();
    assertThat(d.manuscript()).isEqualTo(TestBlocks.MANUSCRIPT);
    assertThat(d.blocks()).hasSize(3);
    for (int i = 0; i < 3; i++) {
      CvmBlock want = CHAIN.get(2 + i);
      CvmBlock got = d.blocks().get(i);
      assertThat(got.hash()).isEqualTo(want.hash());
      assertThat(got.datasets().get("transfers").root())
          .isEqualTo(want.datasets().get("transfers").root());
    }
    assertThat(back.fileHash()).isEqualTo(g.fileHash());
  }

  @Test
  void headerBytesAreExactlyAsSpecified() throws Exception {
    BlockGroup g =
        BlockGroup.pack(
            7, TestBlocks.MANUSCRIPT, CHAIN.subList(0, 1), List.of(new PreviousLocator("s3", "k")));
    ByteBuffer b = ByteBuffer.wrap(g.bytes());
    byte[] magic = new byte[4];
    b.get(magic);
    assertThat(new String(magic, "US-ASCII")).isEqualTo("CVMG");
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.getLong()).isEqualTo(7);
    b.position(b.position() + 32);
    assertThat(b.getLong()).isZero(); // first height
    assertThat(b.getLong()).isZero(); // last height
    assertThat(b.getInt()).isEqualTo(1);
    byte[] groupHash = new byte[32];
    b.get(groupHash);
    long payloadSize = b.getLong();
    long bodySize = b.getLong();
    assertThat(b.get()).isEqualTo((byte) 1);
    assertThat(b.get()).isEqualTo((byte) 2);
    byte[] name = new byte[2];
    b.get(name);
    assertThat(new String(name, "US-ASCII")).isEqualTo("s3");
    assertThat(b.getShort()).isEqualTo((short) 1);
    assertThat(b.get()).isEqualTo((byte) 'k');
    assertThat(b.remaining()).isEqualTo(bodySize);
    byte[] payload = g.payload();
    assertThat(payload).hasSize((int) payloadSize);
    assertThat(MessageDigest.getInstance("SHA-256").digest(payload)).isEqualTo(groupHash);
    // zstd frame magic 0xFD2FB528 (little-endian on the wire)
    assertThat(b.getInt()).isEqualTo(0x28B52FFD);
  }

  @Test
  void refusesTruncatedPaddedAndAlteredFiles() {
    byte[] file = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, CHAIN, List.of()).bytes();
    assertThatThrownBy(() -> BlockGroup.parse(Arrays.copyOf(file, file.length - 1)))
        .isInstanceOf(GroupFormatException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> BlockGroup.parse(Arrays.copyOf(file, file.length + 3)))
        .hasMessageContaining("trailing bytes");
    assertThatThrownBy(() -> BlockGroup.parse(Arrays.copyOf(file, 20)))
        .hasMessageContaining("header is truncated");
    byte[] wrongMagic = file.clone();
    wrongMagic[0] = 'X';
    assertThatThrownBy(() -> BlockGroup.parse(wrongMagic)).hasMessageContaining("magic");
    byte[] wrongVersion = file.clone();
    wrongVersion[4] = 2;
    assertThatThrownBy(() -> BlockGroup.parse(wrongVersion)).hasMessageContaining("version 2");
    byte[] flipped = file.clone();
    flipped[file.length - 100] ^= 1;
    assertThatThrownBy(() -> BlockGroup.parse(flipped).decode())
        .isInstanceOf(GroupFormatException.class);
    byte[] otherHash = file.clone();
    otherHash[65] ^= 1; // first byte of groupHash
    assertThatThrownBy(() -> BlockGroup.parse(otherHash).decode())
        .hasMessageContaining("does not hash to the header's groupHash");
  }

  @Test
  void refusesBlocksThatDoNotFollowEachOther() {
    List<CvmBlock> gap = List.of(CHAIN.get(0), CHAIN.get(2));
    assertThatThrownBy(() -> BlockGroup.pack(1, TestBlocks.MANUSCRIPT, gap, List.of()))
        .hasMessageContaining("does not follow block 0");
    assertThatThrownBy(() -> BlockGroup.pack(1, "other".getBytes(), CHAIN.subList(0, 1), List.of()))
        .hasMessageContaining("another manuscript");
    assertThatThrownBy(
            () ->
                BlockGroup.pack(
                    1,
                    TestBlocks.MANUSCRIPT,
                    CHAIN.subList(0, 1),
                    List.of(new PreviousLocator("s3", "a"), new PreviousLocator("local", "b"))))
        .hasMessageContaining("sorted by backend name");
    assertThatThrownBy(() -> new PreviousLocator("S3!", "a")).hasMessageContaining("[a-z0-9-]");
  }

  @Test
  void packerClosesBySizeAndByAge() {
    MutableClock clock = new MutableClock();
    List<List<PreviousLocator>> asked = new ArrayList<>();
    GroupPacker packer =
        new GroupPacker(
            1,
            TestBlocks.MANUSCRIPT,
            20_000,
            Duration.ofMinutes(10),
            clock,
            () -> {
              List<PreviousLocator> p = List.of(new PreviousLocator("local", "g" + asked.size()));
              asked.add(p);
              return p;
            });
    List<BlockGroup> closed = new ArrayList<>();
    for (CvmBlock b : CHAIN) {
      packer.add(b).ifPresent(closed::add);
    }
    // 50 transfers ≈ 8 KB per block: every third block crosses 20 000 bytes
    assertThat(closed).hasSize(2);
    assertThat(closed.get(0).header().firstHeight()).isZero();
    assertThat(closed.get(1).header().firstHeight())
        .isEqualTo(closed.get(0).header().lastHeight() + 1);
    assertThat(closed.get(1).header().previousOn("local")).isEqualTo("g1");
    int pending = packer.pendingBlocks();
    assertThat(packer.poll()).isEmpty();
    if (pending > 0) {
      clock.advance(Duration.ofMinutes(10));
      Optional<BlockGroup> byAge = packer.poll();
      assertThat(byAge).isPresent();
      assertThat(byAge.get().header().lastHeight()).isEqualTo(5);
    }
    assertThat(packer.flush()).isEmpty();
    assertThatThrownBy(() -> packer.add(CHAIN.get(3))).hasMessageContaining("does not follow");
    for (BlockGroup g : closed) {
      assertThat(g.decode().blocks()).hasSize(g.header().blockCount());
    }
  }

  public static final class MutableClock extends Clock {
    Instant now = Instant.ofEpochSecond(1_700_000_000);

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
