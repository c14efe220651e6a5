package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks {@code CvmCheckpoints.submitCheckpoint} makes, made locally first so a certificate the
 * contract would refuse is never sent (and costs no gas): the bitmap's shape against the committed
 * set, signers holding strictly more than 2/3 of its power ({@code missing·3 < total}), and the
 * γ-randomised pairing {@code e(σ + γ·apk, −G2)·e(H(digest) + γ·G1, apkG2) = 1} with {@code apk}
 * the signers' G1 keys from the committed set — which also proves the certificate's G2 key belongs
 * to those signers. Pure: no I/O.
 */
public final class CertificateCheck {
  private CertificateCheck() {}

  /** A certificate that passed: what to send with it. */
  public record Verified(
      RelayCertificate certificate, List<Integer> nonSignerIndices, BigInteger signedPower) {
    public Verified {
      nonSignerIndices = List.copyOf(nonSignerIndices);
    }
  }

  /**
   * @param cvmChainId the CVM chain's CometBFT chain id string (whose keccak256 the contract holds)
   * @throws RelayerException.Refused saying which check failed
   */
  public static Verified verify(RelayCertificate cert, CommittedSet set, String cvmChainId) {
    long h = cert.height();
    List<ValidatorEntry> entries = set.entries();
    List<Integer> nonSigners;
    try {
      nonSigners = SignerBitmap.nonSigners(cert.signerBitmap(), entries.size());
    } catch (IllegalArgumentException e) {
      throw new RelayerException.Refused(h, e.getMessage());
    }
    Set<Integer> missing = new HashSet<>(nonSigners);
    BigInteger total = set.totalPower();
    BigInteger missingPower = BigInteger.ZERO;
    List<G1Point> signerKeys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (missing.contains(i)) {
        missingPower = missingPower.add(entries.get(i).power());
      } else {
        signerKeys.add(entries.get(i).g1());
      }
    }
    BigInteger signed = total.subtract(missingPower);
    if (missingPower.multiply(BigInteger.valueOf(3)).compareTo(total) >= 0) {
      throw new RelayerException.Refused(
          h,
          "signers hold "
              + signed
              + " of "
              + total
              + " power of validator set "
              + set.setId()
              + ", not more than 2/3");
    }
    G1Point apk = Bls.aggregatePublicKeysG1(signerKeys);
    byte[] digest = cert.checkpoint().digest(cvmChainId);
    boolean ok;
    try {
      ok = Bls.verifyAggregateWithApk(digest, apk, cert.apkG2(), cert.sigma());
    } catch (RuntimeException e) {
      throw new RelayerException.Refused(h, "signature check failed: " + e.getMessage());
    }
    if (!ok) {
      throw new RelayerException.Refused(
          h,
          "the aggregate signature does not verify over the checkpoint digest for the signers of"
              + " validator set "
              + set.setId()
              + " (wrong signature, checkpoint fields, G2 key or signer bitmap)");
    }
    return new Verified(cert, nonSigners, signed);
  }
}
