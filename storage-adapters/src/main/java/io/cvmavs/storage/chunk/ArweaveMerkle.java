package io.cvmavs.storage.chunk;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arweave's chunk Merkle tree ({@code data_root}) over 256 KiB chunks, as the Arweave protocol
 * defines it for format-2 transactions (docs/STORAGE.md "Chunk roots").
 *
 * <pre>
 * chunks: 256 KiB each; when the bytes left after a full chunk would be fewer than 32 KiB, the last
 *         two chunks split the rest in halves (the first one ⌈rest/2⌉)
 * note(x)  = x as a 32-byte big-endian integer
 * leaf     = SHA-256(SHA-256(SHA-256(chunk)) ‖ SHA-256(note(chunkEnd)))
 * branch   = SHA-256(SHA-256(left.id) ‖ SHA-256(right.id) ‖ SHA-256(note(left.end)))
 * layers pair neighbours left to right; a lone last node is carried up unchanged
 * data_path(chunk) = (left.id ‖ right.id ‖ note(left.end)) per branch from the root down
 *                    ‖ SHA-256(chunk) ‖ note(chunkEnd)
 * </pre>
 *
 * A size that is a multiple of 256 KiB ends in an empty chunk: it is a leaf of the tree but not an
 * uploaded chunk ({@link #chunks()} leaves it out).
 *
 * <p>Cross-checked against arweave-js in the Arweave tests.
 */
public final class ArweaveMerkle {
  public static final int MAX_CHUNK = 256 * 1024;
  public static final int MIN_CHUNK = 32 * 1024;
  static final int NOTE = 32;

  /** A chunk: bytes {@code [start, end)} of the data. */
  public record Chunk(long start, long end) {
    public int size() {
      return (int) (end - start);
    }
  }

  private sealed interface Node permits Leaf, Branch {
    byte[] id();

    long end();
  }

  private record Leaf(byte[] id, byte[] dataHash, long end) implements Node {}

  private record Branch(byte[] id, Node left, Node right, long end) implements Node {}

  private final List<Chunk> chunks;
  private final List<Leaf> leaves;
  private final Node root;

  private ArweaveMerkle(List<Chunk> chunks, List<Leaf> leaves, Node root) {
    this.chunks = chunks;
    this.leaves = leaves;
    this.root = root;
  }

  /** The chunk boundaries of {@code size} bytes. */
  public static List<Chunk> chunks(long size) {
    List<Chunk> out = new ArrayList<>();
    long cursor = 0;
    long rest = size;
    while (rest >= MAX_CHUNK) {
      long chunkSize = MAX_CHUNK;
      long next = rest - MAX_CHUNK;
      if (next > 0 && next < MIN_CHUNK) {
        chunkSize = (rest + 1) / 2;
      }
      out.add(new Chunk(cursor, cursor + chunkSize));
      cursor += chunkSize;
      rest -= chunkSize;
    }
    out.add(new Chunk(cursor, cursor + rest));
    return out;
  }

  public static ArweaveMerkle of(byte[] data) {
    List<Chunk> chunks = chunks(data.length);
    List<Leaf> leaves = new ArrayList<>(chunks.size());
    for (Chunk c : chunks) {
      byte[] dataHash = sha256(data, (int) c.start(), c.size());
      leaves.add(new Leaf(sha256(sha256(dataHash), sha256(note(c.end()))), dataHash, c.end()));
    }
    List<Node> layer = new ArrayList<>(leaves);
    while (layer.size() > 1) {
      List<Node> next = new ArrayList<>((layer.size() + 1) / 2);
      for (int i = 0; i < layer.size(); i += 2) {
        if (i + 1 == layer.size()) {
          next.add(layer.get(i));
        } else {
          Node l = layer.get(i);
          Node r = layer.get(i + 1);
          byte[] id = sha256(sha256(l.id()), sha256(r.id()), sha256(note(l.end())));
          next.add(new Branch(id, l, r, r.end()));
        }
      }
      layer = next;
    }
    // As Arweave does: a size that is a multiple of 256 KiB ends in an empty chunk, which is part
    // of
    // the tree (and the root) but is never uploaded.
    List<Chunk> uploaded = chunks;
    if (chunks.size() > 1 && chunks.getLast().size() == 0) {
      uploaded = chunks.subList(0, chunks.size() - 1);
    }
    return new ArweaveMerkle(List.copyOf(uploaded), List.copyOf(leaves), layer.get(0));
  }

  /** The {@code data_root} of a format-2 transaction over these bytes. */
  public static byte[] dataRoot(byte[] data) {
    return of(data).root();
  }

  public byte[] root() {
    return root.id().clone();
  }

  /** The chunks to upload, in order (without a trailing empty chunk). */
  public List<Chunk> chunks() {
    return chunks;
  }

  /** The {@code data_path} of chunk {@code index} (for {@code POST /chunk}). */
  public byte[] dataPath(int index) {
    long offset = chunks.get(index).end() - 1;
    ByteBuffer out = ByteBuffer.allocate(depth() * (3 * NOTE) + 2 * NOTE);
    Node node = root;
    while (node instanceof Branch b) {
      out.put(b.left().id()).put(b.right().id()).put(note(b.left().end()));
      node = offset < b.left().end() ? b.left() : b.right();
    }
    Leaf leaf = (Leaf) node;
    out.put(leaf.dataHash()).put(note(leaf.end()));
    return Arrays.copyOf(out.array(), out.position());
  }

  private int depth() {
    int d = 0;
    for (int n = leaves.size(); n > 1; n = (n + 1) / 2) {
      d++;
    }
    return d;
  }

  /**
   * Checks a {@code data_path} of the chunk ending at {@code offset + 1} against {@code root}, as
   * an Arweave node does; returns the chunk's SHA-256, or throws naming what does not match.
   */
  public static byte[] verifyPath(byte[] root, byte[] path, long offset, long dataSize) {
    if (path.length < 2 * NOTE || (path.length - 2 * NOTE) % (3 * NOTE) != 0) {
      throw new IllegalArgumentException("data_path has " + path.length + " bytes, not 64 + 96·k");
    }
    byte[] expected = root;
    long left = 0;
    long right = dataSize;
    int p = 0;
    for (; p < path.length - 2 * NOTE; p += 3 * NOTE) {
      byte[] l = Arrays.copyOfRange(path, p, p + NOTE);
      byte[] r = Arrays.copyOfRange(path, p + NOTE, p + 2 * NOTE);
      byte[] n = Arrays.copyOfRange(path, p + 2 * NOTE, p + 3 * NOTE);
      if (!Arrays.equals(sha256(sha256(l), sha256(r), sha256(n)), expected)) {
        throw new IllegalArgumentException("data_path branch at byte " + p + " does not hash up");
      }
      long boundary = new java.math.BigInteger(1, n).longValueExact();
      if (offset < boundary) {
        expected = l;
        right = Math.min(right, boundary);
      } else {
        expected = r;
        left = Math.max(left, boundary);
      }
    }
    byte[] dataHash = Arrays.copyOfRange(path, p, p + NOTE);
    byte[] end = Arrays.copyOfRange(path, p + NOTE, p + 2 * NOTE);
    if (!Arrays.equals(sha256(sha256(dataHash), sha256(end)), expected)) {
      throw new IllegalArgumentException("data_path leaf does not hash to its branch");
    }
    long chunkEnd = new java.math.BigInteger(1, end).longValueExact();
    if (offset >= chunkEnd || chunkEnd > right || offset < left) {
      throw new IllegalArgumentException(
          "data_path leaf end " + chunkEnd + " does not hold offset " + offset);
    }
    return dataHash;
  }

  static byte[] note(long value) {
    return ByteBuffer.allocate(NOTE).putLong(NOTE - 8, value).array();
  }

  static byte[] sha256(byte[]... parts) {
    MessageDigest md = digest();
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  static byte[] sha256(byte[] data, int off, int len) {
    MessageDigest md = digest();
    md.update(data, off, len);
    return md.digest();
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
