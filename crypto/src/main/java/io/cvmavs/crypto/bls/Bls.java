package io.cvmavs.crypto.bls;

import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Jacobian;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.crypto.bn254.MultiScalar;
import io.cvmavs.crypto.bn254.Pairing;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Hash;

/**
 * EigenLayer BLS over BN254 (signatures in G1, public keys in G1 and G2). All verifiers refuse the
 * point at infinity as a signature or public key with an {@link
 * io.cvmavs.crypto.InvalidPointException}.
 */
public final class Bls {
  private Bls() {}

  /** operatorId = keccak256(abi.encodePacked(pkG1.X, pkG1.Y)). */
  public static byte[] operatorId(G1Point publicKeyG1) {
    return Hash.sha3(publicKeyG1.toBytes());
  }

  /** e(σ, −G2) · e(H(m), pkG2) = 1. */
  public static boolean verify(G2Point publicKeyG2, byte[] digest, G1Point signature) {
    return verify(G2Prepared.of(publicKeyG2.requireNotInfinity("public key")), digest, signature);
  }

  /** Verification with a pre-computed public key (for keys that verify often). */
  public static boolean verify(G2Prepared publicKeyG2, byte[] digest, G1Point signature) {
    publicKeyG2.point().requireNotInfinity("public key");
    signature.requireNotInfinity("signature");
    G1Point h = HashToG1.hash(digest);
    return Pairing.check(
        new G1Point[] {signature, h}, new G2Prepared[] {G2Prepared.NEG_GENERATOR, publicKeyG2});
  }

  public static G1Point aggregateSignatures(Collection<G1Point> signatures) {
    G1Jacobian acc = G1Jacobian.INFINITY;
    for (G1Point s : signatures) {
      acc = acc.addAffine(s);
    }
    return acc.toAffine();
  }

  public static G1Point aggregatePublicKeysG1(Collection<G1Point> keys) {
    return aggregateSignatures(keys);
  }

  public static G2Point aggregatePublicKeysG2(Collection<G2Point> keys) {
    return G2Point.sum(keys);
  }

  /**
   * Same-message aggregate verification: σ = Σσᵢ, apk = ΣpkG2ᵢ, then {@link #verify(G2Point,
   * byte[], G1Point)}. Safe against rogue keys only when every key carried a proof of possession at
   * registration.
   */
  public static boolean verifyAggregate(
      byte[] digest, Collection<G2Point> publicKeysG2, Collection<G1Point> signatures) {
    if (publicKeysG2.size() != signatures.size()) {
      throw new IllegalArgumentException(
          "same-message aggregation needs one signature per key, got "
              + publicKeysG2.size()
              + " keys and "
              + signatures.size()
              + " signatures");
    }
    G2Point apk = aggregatePublicKeysG2(publicKeysG2).requireNotInfinity("aggregate public key");
    G1Point sigma = aggregateSignatures(signatures).requireNotInfinity("aggregate signature");
    return verify(apk, digest, sigma);
  }

  /**
   * The randomiser of the on-chain check (eigenlayer-middleware {@code
   * BLSSignatureChecker.trySignatureAndApkVerification}): γ = keccak256(msgHash ‖ apk.X ‖ apk.Y ‖
   * apkG2.X[0] ‖ apkG2.X[1] ‖ apkG2.Y[0] ‖ apkG2.Y[1] ‖ σ.X ‖ σ.Y) mod r, G2 coordinates in EVM
   * order (imaginary part first).
   */
  public static BigInteger gamma(byte[] msgHash, G1Point apkG1, G2Point apkG2, G1Point sigma) {
    if (msgHash.length != 32) {
      throw new MalformedEncodingException("message hash must be 32 bytes, got " + msgHash.length);
    }
    byte[] buf = new byte[32 + 64 + 128 + 64];
    System.arraycopy(msgHash, 0, buf, 0, 32);
    apkG1.writeTo(buf, 32);
    apkG2.writeEvmTo(buf, 96);
    sigma.writeTo(buf, 224);
    return new BigInteger(1, Hash.sha3(buf)).mod(Bn254.R);
  }

  /**
   * The on-chain aggregate check: e(σ + γ·apk, −G2) · e(H(m) + γ·G1, apkG2) = 1, with γ from {@link
   * #gamma}. It verifies the signature and that apk (G1) and apkG2 share a secret in one pairing
   * product.
   */
  public static boolean verifyAggregateWithApk(
      byte[] msgHash, G1Point apkG1, G2Point apkG2, G1Point sigma) {
    apkG1.requireNotInfinity("aggregate public key (G1)");
    apkG2.requireNotInfinity("aggregate public key (G2)");
    sigma.requireNotInfinity("aggregate signature");
    BigInteger gamma = gamma(msgHash, apkG1, apkG2, sigma);
    G1Point left = sigma.toJacobian().add(apkG1.toJacobian().mul(gamma)).toAffine();
    G1Point right =
        HashToG1.hash(msgHash)
            .toJacobian()
            .add(G1Point.GENERATOR.toJacobian().mul(gamma))
            .toAffine();
    return Pairing.check(
        new G1Point[] {left, right},
        new G2Prepared[] {G2Prepared.NEG_GENERATOR, G2Prepared.of(apkG2)});
  }

  /**
   * One signature to check in a batch. The public key is held prepared ({@link G2Prepared}): a
   * caller that verifies the same operators again and again (an aggregator) keeps their prepared
   * keys and skips the G2 work.
   */
  public record BatchItem(G2Prepared publicKey, byte[] digest, G1Point signature) {
    /** An item whose key is prepared now. */
    public BatchItem(G2Point publicKeyG2, byte[] digest, G1Point signature) {
      this(G2Prepared.of(publicKeyG2.requireNotInfinity("public key")), digest, signature);
    }
  }

  /**
   * Batch verification of signatures on possibly distinct messages by random linear combination:
   * with random 63-bit odd cᵢ, checks e(Σcᵢσᵢ, −G2) · ∏ e(cᵢ·H(mᵢ), pkᵢ) = 1 (one multi-pairing,
   * one final exponentiation). Σcᵢσᵢ is one multi-scalar multiplication; the signatures over one
   * digest m (at least {@link #MSM_GROUP} of them) enter as the single pair e(H(m), Σcᵢ·pkᵢ). True
   * means all signatures are valid except with probability about 2⁻⁶²; false means at least one is
   * invalid.
   */
  public static boolean verifyBatch(List<BatchItem> items, SecureRandom random) {
    if (items.isEmpty()) {
      return true;
    }
    int n = items.size();
    long[] c = new long[n];
    G1Point[] sigs = new G1Point[n];
    // signatures that arrive together are mostly over one digest: group them by digest
    Map<ByteBuffer, List<Integer>> byDigest = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      BatchItem it = items.get(i);
      it.publicKey().point().requireNotInfinity("public key #" + i);
      sigs[i] = it.signature().requireNotInfinity("signature #" + i);
      c[i] = random.nextLong() >>> 1 | 1;
      byDigest.computeIfAbsent(ByteBuffer.wrap(it.digest().clone()), d -> new ArrayList<>()).add(i);
    }
    List<G1Point> ps = new ArrayList<>();
    List<G2Prepared> qs = new ArrayList<>();
    ps.add(MultiScalar.g1(sigs, c).toAffine());
    qs.add(G2Prepared.NEG_GENERATOR);
    for (Map.Entry<ByteBuffer, List<Integer>> g : byDigest.entrySet()) {
      G1Point h = HashToG1.hash(g.getKey().array());
      List<Integer> group = g.getValue();
      if (group.size() < MSM_GROUP) {
        // ∏ e(cᵢ·H(m), pkᵢ) with the callers' prepared keys
        for (int i : group) {
          ps.add(h.toJacobian().mul(BigInteger.valueOf(c[i])).toAffine());
          qs.add(items.get(i).publicKey());
        }
      } else {
        // = e(H(m), Σ cᵢ·pkᵢ): one multi-scalar multiplication in G2 and one pair
        G2Point[] keys = new G2Point[group.size()];
        long[] cs = new long[group.size()];
        for (int j = 0; j < keys.length; j++) {
          keys[j] = items.get(group.get(j)).publicKey().point();
          cs[j] = c[group.get(j)];
        }
        ps.add(h);
        qs.add(G2Prepared.of(MultiScalar.g2(keys, cs).toAffine()));
      }
    }
    return Pairing.check(ps.toArray(G1Point[]::new), qs.toArray(G2Prepared[]::new));
  }

  /**
   * From this many signatures over one digest on, a batch sums cᵢ·pkᵢ in G2 (one pair) instead of
   * pairing each prepared key (one pair each).
   */
  static final int MSM_GROUP = 4;

  /**
   * The items whose signatures do not verify, as ascending indices into {@code items}; empty when
   * all verify. One {@link #verifyBatch} over all; if it fails, bisection: halves of a failing part
   * are checked in turn (a half need not be checked when its sibling passed), down to single items,
   * which are checked exactly by {@link #verify(G2Prepared, byte[], G1Point)}. So an index is named
   * only for a signature that really fails, and k bad signatures among n cost about 2k·log₂(n/k)
   * batch checks instead of n verifications.
   */
  public static List<Integer> findInvalid(List<BatchItem> items, SecureRandom random) {
    List<Integer> bad = new ArrayList<>();
    bisect(
        0,
        items.size(),
        (from, to) ->
            to - from == 1
                ? verify(
                    items.get(from).publicKey(),
                    items.get(from).digest(),
                    items.get(from).signature())
                : verifyBatch(items.subList(from, to), random),
        false,
        bad);
    return bad;
  }

  /**
   * The signers of a same-message aggregate that does not verify, as ascending indices: for a part
   * whose aggregate (Σσᵢ against ΣpkG2ᵢ) fails, both halves are checked (one only when the other
   * passed: e(Σσ, −G2)·e(H(m), Σpk) is the product of the halves' values, so a failing whole has a
   * failing half), down to single signers checked exactly against their prepared keys. Empty when
   * the aggregate of all verifies. This is the check before submitting: one pairing when all is
   * well, about 2k·log₂(n/k) when k signatures are bad.
   */
  public static List<Integer> findInvalidInAggregate(
      byte[] digest, List<G2Prepared> publicKeys, List<G1Point> signatures) {
    if (publicKeys.size() != signatures.size()) {
      throw new IllegalArgumentException(
          "one signature per key needed, got "
              + publicKeys.size()
              + " keys and "
              + signatures.size()
              + " signatures");
    }
    List<Integer> bad = new ArrayList<>();
    bisect(
        0,
        publicKeys.size(),
        (from, to) -> {
          if (to - from == 1) {
            return verify(publicKeys.get(from), digest, signatures.get(from));
          }
          List<G2Point> keys = new ArrayList<>(to - from);
          for (G2Prepared k : publicKeys.subList(from, to)) {
            keys.add(k.point());
          }
          G2Point apk = aggregatePublicKeysG2(keys);
          G1Point sigma = aggregateSignatures(signatures.subList(from, to));
          return !apk.isInfinity() && !sigma.isInfinity() && verify(apk, digest, sigma);
        },
        false,
        bad);
    return bad;
  }

  /** Whether the items in [from, to) verify together; exact when to − from = 1. */
  @FunctionalInterface
  private interface RangeCheck {
    boolean valid(int from, int to);
  }

  /**
   * Adds to {@code bad} the single indices in [from, to) that fail. {@code knownInvalid}: a part of
   * more than one item is not checked again when its sibling's passing already implies it fails.
   */
  private static void bisect(
      int from, int to, RangeCheck check, boolean knownInvalid, List<Integer> bad) {
    if (from >= to) {
      return;
    }
    if (to - from == 1) {
      if (!check.valid(from, to)) {
        bad.add(from);
      }
      return;
    }
    if (!knownInvalid && check.valid(from, to)) {
      return;
    }
    int mid = (from + to) >>> 1;
    int before = bad.size();
    bisect(from, mid, check, false, bad);
    bisect(mid, to, check, bad.size() == before, bad);
  }
}
