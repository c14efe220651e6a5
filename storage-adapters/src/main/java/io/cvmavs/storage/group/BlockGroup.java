package io.cvmavs.storage.group;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdException;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.chunk.ArweaveMerkle;
import io.cvmavs.storage.chunk.AuditChunks;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A block-group file: {@link GroupHeader} ‖ zstd frame of the {@link PayloadCodec payload}
 * (docs/STORAGE.md). Immutable; {@link #parse} checks the framing (sizes, truncation) and {@link
 * #decode} the content (group hash, block hashes).
 */
public final class BlockGroup {
  /** zstd level used for packing (the format reads any level). */
  public static final int ZSTD_LEVEL = 3;

  private final GroupHeader header;
  private final byte[] bytes;
  private final int bodyOffset;

  private BlockGroup(GroupHeader header, byte[] bytes, int bodyOffset) {
    this.header = header;
    this.bytes = bytes;
    this.bodyOffset = bodyOffset;
  }

  /**
   * Packs consecutive blocks of one manuscript chain.
   *
   * @param chainId the CVM chain the blocks belong to
   * @param manuscript the manuscript file bytes (its keccak256 is every block's manuscript hash)
   * @param blocks consecutive blocks, each the child of the one before
   * @param previous the previous group's locators (may be empty)
   */
  public static BlockGroup pack(
      long chainId, byte[] manuscript, List<CvmBlock> blocks, List<PreviousLocator> previous) {
    if (blocks.isEmpty()) {
      throw new GroupFormatException("a block group holds at least one block");
    }
    byte[] m = Keccak.hash(manuscript);
    byte[][] parts = new byte[blocks.size() + 1][];
    parts[0] = PayloadCodec.encodeManuscript(manuscript);
    for (int i = 0; i < blocks.size(); i++) {
      CvmBlock b = blocks.get(i);
      if (!Arrays.equals(b.header().manuscriptHash(), m)) {
        throw new GroupFormatException(
            "block " + b.header().height() + " belongs to another manuscript");
      }
      if (i > 0
          && (b.header().height() != blocks.get(i - 1).header().height() + 1
              || !Arrays.equals(b.header().parentHash(), blocks.get(i - 1).hash()))) {
        throw new GroupFormatException(
            "block "
                + b.header().height()
                + " does not follow block "
                + (i == 0 ? -1 : blocks.get(i - 1).header().height()));
      }
      parts[i + 1] = PayloadCodec.encodeBlock(b);
    }
    return packEncoded(chainId, m, blocks.get(0).header().height(), parts, previous);
  }

  /**
   * Packs already encoded payload parts (the manuscript section, then one encoded block per height
   * from {@code firstHeight}); used by {@link GroupPacker}, which encodes as blocks arrive.
   */
  static BlockGroup packEncoded(
      long chainId,
      byte[] manuscriptHash,
      long firstHeight,
      byte[][] parts,
      List<PreviousLocator> previous) {
    int total = 0;
    for (byte[] p : parts) {
      total = Math.addExact(total, p.length);
    }
    byte[] payload = new byte[total];
    int off = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, payload, off, p.length);
      off += p.length;
    }
    byte[] body;
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(ZSTD_LEVEL).setChecksum(true).setContentSize(true);
      body = ctx.compress(payload);
    }
    int count = parts.length - 1;
    GroupHeader header =
        new GroupHeader(
            chainId,
            manuscriptHash,
            firstHeight,
            firstHeight + count - 1,
            count,
            sha256(payload),
            payload.length,
            body.length,
            previous);
    byte[] h = header.encode();
    byte[] file = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, file, h.length, body.length);
    return new BlockGroup(header, file, h.length);
  }

  /**
   * Reads the header of a group file and checks that the file ends exactly after the body (a
   * truncated or padded download is refused).
   */
  public static BlockGroup parse(byte[] file) {
    ByteBuffer in = ByteBuffer.wrap(file);
    GroupHeader header = GroupHeader.read(in);
    long have = file.length - (long) in.position();
    if (have != header.bodySize()) {
      throw new GroupFormatException(
          "block group body has "
              + have
              + " bytes but the header's bodySize is "
              + header.bodySize()
              + (have < header.bodySize() ? " (truncated)" : " (trailing bytes)"));
    }
    return new BlockGroup(header, file.clone(), in.position());
  }

  public GroupHeader header() {
    return header;
  }

  /** The file's bytes (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  /** SHA-256 of the whole file: the content address of local disk and S3, a receipt's hash. */
  public byte[] fileHash() {
    return sha256(bytes);
  }

  public String fileHashHex() {
    return HexFormat.of().formatHex(fileHash());
  }

  /** Arweave {@code data_root} of the file (256 KiB chunks). */
  public byte[] dataRoot() {
    return ArweaveMerkle.dataRoot(bytes);
  }

  /** The audit root of the file (8 KiB chunks). */
  public byte[] auditRoot() {
    return AuditChunks.of(bytes).root();
  }

  /** Decompresses the body and checks the group hash. */
  public byte[] payload() {
    long size = header.payloadSize();
    long frame;
    try {
      frame = Zstd.getFrameContentSize(bytes, bodyOffset, bytes.length - bodyOffset);
    } catch (ZstdException e) {
      throw new GroupFormatException("block group body is not a zstd frame: " + e.getMessage());
    }
    if (frame != size) {
      throw new GroupFormatException(
          "zstd frame content size " + frame + " differs from the header's payloadSize " + size);
    }
    byte[] payload = new byte[(int) size];
    try {
      long n =
          Zstd.decompressByteArray(
              payload, 0, payload.length, bytes, bodyOffset, bytes.length - bodyOffset);
      if (n != size) {
        throw new GroupFormatException("zstd body decompressed to " + n + " bytes, not " + size);
      }
    } catch (ZstdException e) {
      throw new GroupFormatException("block group body does not decompress: " + e.getMessage());
    }
    if (!Arrays.equals(sha256(payload), header.groupHash())) {
      throw new GroupFormatException("block group payload does not hash to the header's groupHash");
    }
    return payload;
  }

  /** The blocks, decoded and verified ({@link PayloadCodec#decode}). */
  public PayloadCodec.Decoded decode() {
    return PayloadCodec.decode(
        payload(), header.manuscriptHash(), header.firstHeight(), header.blockCount());
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
