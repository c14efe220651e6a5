package io.cvmavs.consensus.light;

import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Decoded Ed25519 public keys, shared by every {@link ValidatorSet} of the process: decoding a key
 * is a field square root (≈ 15–20 µs with BouncyCastle), and a light client builds a new set object
 * for every block it fetches ({@code /validators}), mostly of the same keys. Keys that do not
 * decode are remembered too. Bounded: past {@link #MAX_KEYS} keys the cache starts over. A decoded
 * {@code PublicPoint} is only read by {@code Ed25519.verify}, so sharing it across threads is safe.
 */
final class Ed25519Points {
  static final int MAX_KEYS = 4096;

  private static final ConcurrentHashMap<ByteBuffer, Optional<Ed25519.PublicPoint>> CACHE =
      new ConcurrentHashMap<>();

  private Ed25519Points() {}

  /**
   * The decoded point of a 32-byte key, or {@code null} if it is not a valid point.
   *
   * @param publicKey a copy the caller no longer changes (it becomes the cache key)
   */
  static Ed25519.PublicPoint of(byte[] publicKey) {
    ByteBuffer key = ByteBuffer.wrap(publicKey);
    Optional<Ed25519.PublicPoint> p = CACHE.get(key);
    if (p == null) {
      p = Optional.ofNullable(Ed25519.validatePublicKeyPartialExport(publicKey, 0));
      if (CACHE.size() >= MAX_KEYS) {
        CACHE.clear();
      }
      CACHE.put(key, p);
    }
    return p.orElse(null);
  }
}
