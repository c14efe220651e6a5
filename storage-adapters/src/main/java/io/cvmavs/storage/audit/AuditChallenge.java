package io.cvmavs.storage.audit;

import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.chunk.AuditChunks;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A retrieval-proof challenge for one stored group (docs/STORAGE.md "Audits"): a public seed (a
 * finalised block hash) selects {@code k = min(47, n)} distinct indices of the group's {@code n}
 * audit chunks:
 *
 * <pre>
 * for c = 0, 1, 2, …: i = uint256(keccak256(seed ‖ auditRoot ‖ uint64 c)) mod n; keep i if new; stop at k
 * </pre>
 *
 * (the same on chain: {@code uint256(keccak256(abi.encodePacked(seed, root, uint64(c)))) % n}).
 *
 * @param fileSize the group file's size (from its receipt), which fixes n and every chunk's length
 */
public record AuditChallenge(byte[] seed, byte[] auditRoot, long fileSize, List<Integer> indices) {
  /** CESS's sample size: 47 chunks (4.6 % of a 1024-chunk fragment). */
  public static final int SAMPLES = 47;

  public AuditChallenge {
    seed = seed.clone();
    auditRoot = auditRoot.clone();
    indices = List.copyOf(indices);
  }

  public static AuditChallenge of(byte[] seed, byte[] auditRoot, long fileSize) {
    if (seed.length != 32 || auditRoot.length != 32) {
      throw new IllegalArgumentException("audit seed and root must be 32 bytes");
    }
    if (fileSize <= 0) {
      throw new IllegalArgumentException("audited file size must be positive, got " + fileSize);
    }
    int n = AuditChunks.chunkCount(fileSize);
    int k = Math.min(SAMPLES, n);
    Set<Integer> picked = new LinkedHashSet<>();
    BigInteger modulus = BigInteger.valueOf(n);
    for (long c = 0; picked.size() < k; c++) {
      byte[] h = Keccak.hash(ByteBuffer.allocate(72).put(seed).put(auditRoot).putLong(c).array());
      picked.add(new BigInteger(1, h).mod(modulus).intValueExact());
    }
    return new AuditChallenge(seed, auditRoot, fileSize, List.copyOf(picked));
  }

  public int chunkCount() {
    return AuditChunks.chunkCount(fileSize);
  }

  /** The length chunk {@code index} must have: 8 KiB, the last one what is left. */
  public int chunkLength(int index) {
    long start = (long) index * AuditChunks.CHUNK;
    return (int) Math.min(AuditChunks.CHUNK, fileSize - start);
  }

  @Override
  public byte[] seed() {
    return seed.clone();
  }

  @Override
  public byte[] auditRoot() {
    return auditRoot.clone();
  }
}
