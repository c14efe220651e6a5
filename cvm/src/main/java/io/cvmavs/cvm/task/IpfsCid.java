package io.cvmavs.cvm.task;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Checks that an IPFS CID names given bytes, where that can be decided from the bytes alone: a
 * CIDv1 with the {@code raw} codec (what Helia and {@code ipfs add --cid-version 1} give a file of
 * one block) and sha2-256 is SHA-256 of the bytes; a CIDv0 (or CIDv1 {@code dag-pb}) with sha2-256
 * is SHA-256 of the one UnixFS file node holding the bytes when the file fits in one block (the
 * default chunker's 256 KiB). An identity multihash holds the bytes themselves. Anything else — a
 * larger file (several blocks), another hash function or codec, a path inside a directory CID — is
 * {@link Verdict.Kind#UNVERIFIABLE}: the registry's keccak-256 and SHA-256 still decide.
 */
public final class IpfsCid {
  /** The default UnixFS chunk size: a file up to this size is one block. */
  public static final int SINGLE_BLOCK_MAX = 256 * 1024;

  private static final int CODEC_RAW = 0x55;
  private static final int CODEC_DAG_PB = 0x70;
  private static final int HASH_IDENTITY = 0x00;
  private static final int HASH_SHA2_256 = 0x12;
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  private IpfsCid() {}

  /** The outcome of {@link #check}; {@code reason} says why for the last two kinds. */
  public record Verdict(Kind kind, String reason) {
    /** Whether the CID was shown to name the bytes, shown not to, or cannot be decided here. */
    public enum Kind {
      MATCHES,
      MISMATCH,
      UNVERIFIABLE
    }
  }

  /**
   * Whether {@code cid} names {@code bytes}.
   *
   * @throws IllegalArgumentException when {@code cid} is not a CID (bad multibase or varints)
   */
  public static Verdict check(String cid, byte[] bytes) {
    Decoded d = decode(cid);
    if (d.hashFunction == HASH_IDENTITY) {
      return Arrays.equals(d.digest, bytes)
          ? new Verdict(Verdict.Kind.MATCHES, "")
          : new Verdict(Verdict.Kind.MISMATCH, "the CID's identity hash is not the bytes served");
    }
    if (d.hashFunction != HASH_SHA2_256 || d.digest.length != 32) {
      return new Verdict(
          Verdict.Kind.UNVERIFIABLE,
          "multihash 0x" + Integer.toHexString(d.hashFunction) + " is not sha2-256");
    }
    byte[] expected;
    if (d.codec == CODEC_RAW) {
      expected = sha256(bytes);
    } else if (d.codec == CODEC_DAG_PB) {
      if (bytes.length > SINGLE_BLOCK_MAX) {
        return new Verdict(
            Verdict.Kind.UNVERIFIABLE,
            "a dag-pb file of "
                + bytes.length
                + " bytes spans several blocks (more than "
                + SINGLE_BLOCK_MAX
                + ")");
      }
      expected = sha256(unixFsFileNode(bytes));
    } else {
      return new Verdict(
          Verdict.Kind.UNVERIFIABLE,
          "codec 0x" + Integer.toHexString(d.codec) + " is not raw/dag-pb");
    }
    return Arrays.equals(expected, d.digest)
        ? new Verdict(Verdict.Kind.MATCHES, "")
        : new Verdict(
            Verdict.Kind.MISMATCH,
            "the bytes served do not hash to the CID ("
                + (d.codec == CODEC_RAW ? "raw" : "single-block dag-pb UnixFS file")
                + ", sha2-256)");
  }

  private record Decoded(int codec, int hashFunction, byte[] digest) {}

  private static Decoded decode(String cid) {
    if (cid.isEmpty()) {
      throw new IllegalArgumentException("empty CID");
    }
    byte[] b;
    boolean v0 = cid.length() == 46 && cid.startsWith("Qm");
    if (v0) {
      b = base58(cid);
    } else {
      char base = cid.charAt(0);
      String rest = cid.substring(1);
      b =
          switch (base) {
            case 'b' -> base32(rest);
            case 'B' -> base32(rest.toLowerCase(java.util.Locale.ROOT));
            case 'z' -> base58(rest);
            default ->
                throw new IllegalArgumentException(
                    "CID "
                        + cid
                        + ": multibase '"
                        + base
                        + "' is not supported (base32 or base58btc)");
          };
    }
    int[] pos = {0};
    int codec = CODEC_DAG_PB;
    if (!v0) {
      long version = varint(b, pos, cid);
      if (version != 1) {
        throw new IllegalArgumentException("CID " + cid + ": version " + version + " is not 1");
      }
      codec = (int) varint(b, pos, cid);
    }
    int hash = (int) varint(b, pos, cid);
    int len = (int) varint(b, pos, cid);
    if (len < 0 || pos[0] + len != b.length) {
      throw new IllegalArgumentException("CID " + cid + ": multihash length does not match");
    }
    return new Decoded(codec, hash, Arrays.copyOfRange(b, pos[0], b.length));
  }

  /**
   * The dag-pb node of a one-block UnixFS file: PBNode{Data: UnixFS{Type: File, Data, filesize}}.
   */
  static byte[] unixFsFileNode(byte[] data) {
    ByteArrayOutputStream unixfs = new ByteArrayOutputStream();
    unixfs.write(0x08); // field 1 (Type), varint
    unixfs.write(2); // File
    if (data.length > 0) {
      unixfs.write(0x12); // field 2 (Data), bytes
      writeVarint(unixfs, data.length);
      unixfs.writeBytes(data);
    }
    unixfs.write(0x18); // field 3 (filesize), varint
    writeVarint(unixfs, data.length);
    ByteArrayOutputStream node = new ByteArrayOutputStream();
    node.write(0x0a); // PBNode field 1 (Data), bytes
    writeVarint(node, unixfs.size());
    node.writeBytes(unixfs.toByteArray());
    return node.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while (v >= 0x80) {
      out.write((int) (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long varint(byte[] b, int[] pos, String cid) {
    long v = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("CID " + cid + ": truncated");
      }
      int x = b[pos[0]++] & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) {
        return v;
      }
    }
    throw new IllegalArgumentException("CID " + cid + ": varint too long");
  }

  private static byte[] base58(String s) {
    BigInteger v = BigInteger.ZERO;
    for (char c : s.toCharArray()) {
      int i = BASE58.indexOf(c);
      if (i < 0) {
        throw new IllegalArgumentException("'" + c + "' is not base58btc");
      }
      v = v.multiply(BigInteger.valueOf(58)).add(BigInteger.valueOf(i));
    }
    byte[] raw = v.toByteArray();
    int strip = raw.length > 1 && raw[0] == 0 ? 1 : 0;
    int zeros = 0;
    while (zeros < s.length() && s.charAt(zeros) == '1') {
      zeros++;
    }
    byte[] out = new byte[zeros + raw.length - strip];
    System.arraycopy(raw, strip, out, zeros, raw.length - strip);
    return out;
  }

  private static byte[] base32(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buf = 0;
    int bits = 0;
    for (char c : s.toCharArray()) {
      int i = BASE32.indexOf(c);
      if (i < 0) {
        throw new IllegalArgumentException("'" + c + "' is not base32");
      }
      buf = (buf << 5) | i;
      bits += 5;
      if (bits >= 8) {
        out.write((buf >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
