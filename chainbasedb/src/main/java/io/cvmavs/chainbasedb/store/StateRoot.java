package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.format.SigningHash;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The state root (docs/DB3-FORMAT.md §9.3): a commitment to the set of (key, value) pairs of the
 * state, independent of the history that produced it.
 *
 * <ul>
 *   <li>kh = SHA-256(key), vh = SHA-256(value); the pair falls in bucket kh[0..2) (65,536 buckets);
 *   <li>bucket hash = SHA-256 of the concatenation of kh ‖ vh over the bucket's pairs in ascending
 *       kh order; an empty bucket's hash is 32 zero bytes;
 *   <li>root = binary Merkle tree over the 65,536 bucket hashes, node = SHA-256(0x01 ‖ left ‖
 *       right).
 * </ul>
 *
 * A block rehashes only its touched buckets and their 16 ancestors. The tree of bucket hashes is
 * held in memory (4 MiB). Not thread-safe; the store serialises access.
 */
final class StateRoot {
  static final int BUCKETS = 1 << 16;
  static final byte[] EMPTY = new byte[32];

  private final byte[][] nodes = new byte[2 * BUCKETS][];

  StateRoot() {
    Arrays.fill(nodes, BUCKETS, 2 * BUCKETS, EMPTY);
    for (int i = BUCKETS - 1; i >= 1; i--) {
      nodes[i] = node(nodes[2 * i], nodes[2 * i + 1]);
    }
  }

  byte[] root() {
    return nodes[1].clone();
  }

  byte[] bucket(int b) {
    return nodes[BUCKETS + b];
  }

  /** Sets bucket hashes, then rehashes their paths to the root. */
  void update(Map<Integer, byte[]> buckets) {
    java.util.TreeSet<Integer> dirty = new java.util.TreeSet<>();
    for (Map.Entry<Integer, byte[]> e : buckets.entrySet()) {
      int i = BUCKETS + e.getKey();
      nodes[i] = e.getValue();
      dirty.add(i >> 1);
    }
    while (!dirty.isEmpty()) {
      java.util.TreeSet<Integer> up = new java.util.TreeSet<>();
      for (int i : dirty) {
        nodes[i] = node(nodes[2 * i], nodes[2 * i + 1]);
        if (i > 1) {
          up.add(i >> 1);
        }
      }
      dirty = up;
    }
  }

  static byte[] node(byte[] l, byte[] r) {
    MessageDigest md = SigningHash.newSha256();
    md.update((byte) 0x01);
    md.update(l);
    md.update(r);
    return md.digest();
  }

  static byte[] sha256(byte[] b) {
    return SigningHash.newSha256().digest(b);
  }

  static int bucketOf(byte[] keyHash) {
    return ((keyHash[0] & 0xFF) << 8) | (keyHash[1] & 0xFF);
  }

  /** Hash of one bucket from its (kh → vh) pairs, sorted by kh. */
  static byte[] bucketHash(SortedMap<byte[], byte[]> pairs) {
    if (pairs.isEmpty()) {
      return EMPTY;
    }
    MessageDigest md = SigningHash.newSha256();
    for (Map.Entry<byte[], byte[]> e : pairs.entrySet()) {
      md.update(e.getKey());
      md.update(e.getValue());
    }
    return md.digest();
  }

  /**
   * The root of a whole state computed from scratch (the reference the incremental root is tested
   * against, and a consistency check for an operator).
   */
  static byte[] fromScratch(Iterable<Map.Entry<byte[], byte[]>> state) {
    Map<Integer, SortedMap<byte[], byte[]>> byBucket = new TreeMap<>();
    for (Map.Entry<byte[], byte[]> e : state) {
      byte[] kh = sha256(e.getKey());
      byBucket
          .computeIfAbsent(bucketOf(kh), b -> new TreeMap<>(Arrays::compareUnsigned))
          .put(kh, sha256(e.getValue()));
    }
    StateRoot r = new StateRoot();
    Map<Integer, byte[]> hashes = new TreeMap<>();
    byBucket.forEach((b, pairs) -> hashes.put(b, bucketHash(pairs)));
    r.update(hashes);
    return r.root();
  }
}
