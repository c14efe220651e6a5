package io.cvmavs.crypto.bls;

import io.cvmavs.crypto.MalformedEncodingException;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Jacobian;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.crypto.bn254.Pairing;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.List;
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
   * one final exponentiation). True means all signatures are valid except with probability about
   * 2⁻⁶²; false means at least one is invalid.
   */
  public static boolean verifyBatch(List<BatchItem> items, SecureRandom random) {
    if (items.isEmpty()) {
      return true;
    }
    G1Point[] ps = new G1Point[items.size() + 1];
    G2Prepared[] qs = new G2Prepared[items.size() + 1];
    G1Jacobian sigma = G1Jacobian.INFINITY;
    for (int i = 0; i < items.size(); i++) {
      BatchItem it = items.get(i);
      it.publicKey().point().requireNotInfinity("public key #" + i);
      it.signature().requireNotInfinity("signature #" + i);
      BigInteger c = BigInteger.valueOf(random.nextLong() >>> 1 | 1);
      sigma = sigma.add(it.signature().toJacobian().mul(c));
      ps[i + 1] = HashToG1.hash(it.digest()).toJacobian().mul(c).toAffine();
      qs[i + 1] = it.publicKey();
    }
    ps[0] = sigma.toAffine();
    qs[0] = G2Prepared.NEG_GENERATOR;
    return Pairing.check(ps, qs);
  }
}
