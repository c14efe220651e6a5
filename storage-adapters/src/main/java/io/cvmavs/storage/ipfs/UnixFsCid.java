package io.cvmavs.storage.ipfs;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CID Kubo's {@code add} gives a file with {@code cid-version=1} (its defaults then): 256 KiB
 * fixed-size chunks as raw leaves (CIDv1, codec raw 0x55, SHA-256), a balanced DAG of dag-pb nodes
 * (codec 0x70) with at most 174 links each, a one-chunk file being its raw leaf.
 *
 * <pre>
 * PBNode  = (0x12 len PBLink)* ‖ 0x0a len UnixFS          (links before data, dag-pb's canonical order)
 * PBLink  = 0x0a len cidBytes ‖ 0x12 0x00 (empty name) ‖ 0x18 varint Tsize
 * UnixFS  = 0x08 0x02 (File) ‖ 0x18 varint filesize ‖ (0x20 varint blocksize)*   (blocksize per child)
 * Tsize   = raw leaf: its length; node: its encoded length + its links' Tsize
 * cidBytes = 0x01 ‖ varint codec ‖ 0x12 0x20 ‖ SHA-256(block);  text = "b" + base32 (RFC 4648, lower case, no padding)
 * </pre>
 *
 * Cross-checked against Helia's importer in the IPFS tests.
 */
public final class UnixFsCid {
  public static final int CHUNK = 256 * 1024;
  public static final int MAX_LINKS = 174;
  static final int RAW = 0x55;
  static final int DAG_PB = 0x70;

  private UnixFsCid() {}

  private record Node(byte[] cid, long fileSize, long tsize) {}

  /** The CIDv1 text of {@code data} as Kubo adds it. */
  public static String of(byte[] data) {
    List<Node> level = new ArrayList<>();
    for (int off = 0; off < data.length || (off == 0 && data.length == 0); off += CHUNK) {
      int len = Math.min(CHUNK, data.length - off);
      byte[] chunk = java.util.Arrays.copyOfRange(data, off, off + len);
      level.add(new Node(cid(RAW, sha256(chunk)), len, len));
      if (data.length == 0) {
        break;
      }
    }
    while (level.size() > 1) {
      List<Node> next = new ArrayList<>();
      for (int i = 0; i < level.size(); i += MAX_LINKS) {
        next.add(parent(level.subList(i, Math.min(level.size(), i + MAX_LINKS))));
      }
      level = next;
    }
    return text(level.get(0).cid());
  }

  private static Node parent(List<Node> children) {
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    long fileSize = 0;
    for (Node c : children) {
      fileSize += c.fileSize();
    }
    unixfs.write(0x08);
    unixfs.write(0x02);
    unixfs.write(0x18);
    varint(unixfs, fileSize);
    for (Node c : children) {
      unixfs.write(0x20);
      varint(unixfs, c.fileSize());
    }
    ByteArrayOutputStream node = new ByteArrayOutputStream();
    long tsize = 0;
    for (Node c : children) {
      ByteArrayOutputStream link = new ByteArrayOutputStream();
      link.write(0x0a);
      varint(link, c.cid().length);
      link.writeBytes(c.cid());
      link.write(0x12);
      link.write(0x00);
      link.write(0x18);
      varint(link, c.tsize());
      node.write(0x12);
      varint(node, link.size());
      node.writeBytes(link.toByteArray());
      tsize += c.tsize();
    }
    byte[] data = unixfs.toByteArray();
    node.write(0x0a);
    varint(node, data.length);
    node.writeBytes(data);
    byte[] block = node.toByteArray();
    return new Node(cid(DAG_PB, sha256(block)), fileSize, block.length + tsize);
  }

  static byte[] cid(int codec, byte[] digest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x01);
    varint(out, codec);
    out.write(0x12);
    out.write(0x20);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  static String text(byte[] cid) {
    final String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder("b");
    int buffer = 0;
    int bits = 0;
    for (byte b : cid) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
