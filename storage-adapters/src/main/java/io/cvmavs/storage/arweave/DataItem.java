package io.cvmavs.storage.arweave;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An ANS-104 data item (for bundlers) signed with an Arweave key (signature type 1):
 *
 * <pre>
 * u16 LE signatureType (1) ‖ signature [512] ‖ owner [512] ‖ u8 hasTarget ‖ target [32]? ‖
 * u8 hasAnchor ‖ anchor [32]? ‖ u64 LE tagCount ‖ u64 LE tagBytesLength ‖ tagBytes ‖ data
 * tagBytes  = Avro array of {name: string, value: string} (zig-zag varint counts and lengths), empty
 *             when there are no tags
 * signed    = deepHash(["dataitem", "1", "1", owner, target or "", anchor or "", tagBytes, data])
 * id        = base64url(SHA-256(signature))
 * </pre>
 *
 * At most 128 tags. Cross-checked with arbundles in the tests.
 */
public record DataItem(String id, byte[] bytes) {
  public static final int MAX_TAGS = 128;

  public DataItem {
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Signs {@code data} with {@code tags} and an optional 32-byte {@code anchor} (null: none). */
  public static DataItem sign(
      ArweaveWallet wallet, byte[] data, List<ArweaveTx.Tag> tags, byte[] anchor) {
    if (tags.size() > MAX_TAGS) {
      throw new IllegalArgumentException(
          "an ANS-104 data item has at most 128 tags, got " + tags.size());
    }
    if (anchor != null && anchor.length != 32) {
      throw new IllegalArgumentException("data item anchor must be 32 bytes");
    }
    byte[] owner = wallet.owner();
    byte[] tagBytes = avroTags(tags);
    byte[] message =
        DeepHash.of(
            List.of(
                ArweaveTx.utf8("dataitem"),
                ArweaveTx.utf8("1"),
                ArweaveTx.utf8("1"),
                owner,
                new byte[0],
                anchor == null ? new byte[0] : anchor,
                tagBytes,
                data));
    byte[] signature = wallet.sign(message);
    ByteBuffer out =
        ByteBuffer.allocate(
                2
                    + 512
                    + 512
                    + 1
                    + 1
                    + (anchor == null ? 0 : 32)
                    + 16
                    + tagBytes.length
                    + data.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    out.putShort((short) 1).put(signature).put(owner).put((byte) 0);
    if (anchor == null) {
      out.put((byte) 0);
    } else {
      out.put((byte) 1).put(anchor);
    }
    out.putLong(tags.size()).putLong(tagBytes.length).put(tagBytes).put(data);
    return new DataItem(ArweaveTx.idOf(signature), out.array());
  }

  static byte[] avroTags(List<ArweaveTx.Tag> tags) {
    if (tags.isEmpty()) {
      return new byte[0];
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    zigzag(out, tags.size());
    for (ArweaveTx.Tag t : tags) {
      byte[] name = ArweaveTx.utf8(t.name());
      byte[] value = ArweaveTx.utf8(t.value());
      zigzag(out, name.length);
      out.writeBytes(name);
      zigzag(out, value.length);
      out.writeBytes(value);
    }
    zigzag(out, 0);
    return out.toByteArray();
  }

  private static void zigzag(ByteArrayOutputStream out, long n) {
    long v = (n << 1) ^ (n >> 63);
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
