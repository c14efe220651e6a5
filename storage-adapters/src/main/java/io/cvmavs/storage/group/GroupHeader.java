package io.cvmavs.storage.group;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a block-group file (docs/STORAGE.md "Header"), big-endian:
 *
 * <pre>
 * magic "CVMG" ‖ version u8 (1) ‖ chainId u64 ‖ manuscriptHash [32] ‖ firstHeight u64 ‖
 * lastHeight u64 ‖ blockCount u32 ‖ groupHash [32] ‖ payloadSize u64 ‖ bodySize u64 ‖
 * previousCount u8 ‖ (nameLen u8 ‖ name ‖ locatorLen u16 ‖ locator)*
 * </pre>
 *
 * @param groupHash SHA-256 of the uncompressed payload
 * @param previous the previous group's locators, sorted by backend name, at most one per backend
 */
public record GroupHeader(
    long chainId,
    byte[] manuscriptHash,
    long firstHeight,
    long lastHeight,
    int blockCount,
    byte[] groupHash,
    long payloadSize,
    long bodySize,
    List<PreviousLocator> previous) {
  public static final byte[] MAGIC = {'C', 'V', 'M', 'G'};
  public static final int VERSION = 1;
  public static final int MAX_PREVIOUS = 16;

  /** Largest uncompressed payload a reader accepts (a decompression bomb guard): 1 GiB. */
  public static final long MAX_PAYLOAD = 1L << 30;

  public GroupHeader {
    manuscriptHash = manuscriptHash.clone();
    groupHash = groupHash.clone();
    previous = List.copyOf(previous);
    if (manuscriptHash.length != 32 || groupHash.length != 32) {
      throw new GroupFormatException("manuscriptHash and groupHash must be 32 bytes");
    }
    if (firstHeight < 0 || lastHeight < firstHeight || lastHeight - firstHeight + 1 != blockCount) {
      throw new GroupFormatException(
          "heights "
              + firstHeight
              + ".."
              + lastHeight
              + " do not hold blockCount "
              + blockCount
              + " consecutive blocks");
    }
    if (payloadSize <= 0 || payloadSize > MAX_PAYLOAD) {
      throw new GroupFormatException(
          "payloadSize " + payloadSize + " is outside 1.." + MAX_PAYLOAD);
    }
    if (bodySize <= 0) {
      throw new GroupFormatException("bodySize " + bodySize + " must be positive");
    }
    if (previous.size() > MAX_PREVIOUS) {
      throw new GroupFormatException(
          previous.size() + " previous locators, at most " + MAX_PREVIOUS);
    }
    for (int i = 1; i < previous.size(); i++) {
      if (previous.get(i - 1).backend().compareTo(previous.get(i).backend()) >= 0) {
        throw new GroupFormatException(
            "previous locators must be sorted by backend name without repeats, got '"
                + previous.get(i - 1).backend()
                + "' before '"
                + previous.get(i).backend()
                + "'");
      }
    }
  }

  @Override
  public byte[] manuscriptHash() {
    return manuscriptHash.clone();
  }

  @Override
  public byte[] groupHash() {
    return groupHash.clone();
  }

  /** The previous group's locator on {@code backend}, or null. */
  public String previousOn(String backend) {
    return previous.stream()
        .filter(p -> p.backend().equals(backend))
        .map(PreviousLocator::locator)
        .findFirst()
        .orElse(null);
  }

  public byte[] encode() {
    int size = 4 + 1 + 8 + 32 + 8 + 8 + 4 + 32 + 8 + 8 + 1;
    List<byte[][]> prev = new ArrayList<>();
    for (PreviousLocator p : previous) {
      byte[] name = p.backend().getBytes(StandardCharsets.US_ASCII);
      byte[] loc = p.locator().getBytes(StandardCharsets.UTF_8);
      prev.add(new byte[][] {name, loc});
      size += 1 + name.length + 2 + loc.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).put((byte) VERSION).putLong(chainId).put(manuscriptHash);
    out.putLong(firstHeight).putLong(lastHeight).putInt(blockCount).put(groupHash);
    out.putLong(payloadSize).putLong(bodySize).put((byte) prev.size());
    for (byte[][] p : prev) {
      out.put((byte) p[0].length).put(p[0]).putShort((short) p[1].length).put(p[1]);
    }
    return out.array();
  }

  /** Reads a header from the start of {@code in}, leaving {@code in} at the body. */
  public static GroupHeader read(ByteBuffer in) {
    try {
      byte[] magic = new byte[4];
      in.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new GroupFormatException("not a block group: magic is not \"CVMG\"");
      }
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw new GroupFormatException(
            "block group format version " + version + " is not supported (this reader: 1)");
      }
      long chainId = in.getLong();
      byte[] manuscript = bytes(in, 32);
      long first = in.getLong();
      long last = in.getLong();
      int count = in.getInt();
      byte[] groupHash = bytes(in, 32);
      long payloadSize = in.getLong();
      long bodySize = in.getLong();
      int n = in.get() & 0xff;
      if (n > MAX_PREVIOUS) {
        throw new GroupFormatException("previousCount " + n + " exceeds " + MAX_PREVIOUS);
      }
      List<PreviousLocator> prev = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String name = new String(bytes(in, in.get() & 0xff), StandardCharsets.US_ASCII);
        String loc = new String(bytes(in, in.getShort() & 0xffff), StandardCharsets.UTF_8);
        prev.add(new PreviousLocator(name, loc));
      }
      return new GroupHeader(
          chainId, manuscript, first, last, count, groupHash, payloadSize, bodySize, prev);
    } catch (BufferUnderflowException e) {
      throw new GroupFormatException("block group header is truncated");
    }
  }

  private static byte[] bytes(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }
}
