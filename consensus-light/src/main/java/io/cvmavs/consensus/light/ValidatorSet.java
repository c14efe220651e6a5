package io.cvmavs.consensus.light;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A validator set in CometBFT's canonical order (voting power descending, then address ascending) —
 * the order its hash and a commit's signature list follow.
 */
public final class ValidatorSet {
  /** CometBFT's cap on total voting power (int64 max / 8), so priorities cannot overflow. */
  public static final long MAX_TOTAL_VOTING_POWER = Long.MAX_VALUE / 8;

  private static final Comparator<Validator> CANONICAL =
      Comparator.comparingLong(Validator::votingPower)
          .reversed()
          .thenComparing(Validator::address, Arrays::compareUnsigned);

  private final List<Validator> validators;
  private final long totalVotingPower;

  /**
   * Decoded public keys, filled on first use from the process-wide {@link Ed25519Points} (decoding
   * is a square root per key: worth doing once per key, not once per set object).
   */
  private final Ed25519.PublicPoint[] points;

  /** The set's hash, computed on first use (the set is immutable). */
  private volatile byte[] hash;

  /**
   * An empty set is allowed (a faulty header may name one; it can never sign).
   *
   * @throws IllegalArgumentException a non-positive power, a duplicate address, an address that
   *     does not match its key, or a total over {@link #MAX_TOTAL_VOTING_POWER}
   */
  public ValidatorSet(List<Validator> validators) {
    List<Validator> sorted = new ArrayList<>(validators);
    sorted.sort(CANONICAL);
    long total = 0;
    for (int i = 0; i < sorted.size(); i++) {
      Validator v = sorted.get(i);
      if (v.votingPower() <= 0) {
        throw new IllegalArgumentException(v + " has non-positive voting power");
      }
      if (!Arrays.equals(v.address(), Validator.addressOf(v.publicKey()))) {
        throw new IllegalArgumentException(v + ": address does not match its public key");
      }
      if (i > 0 && sorted.get(i - 1).hasAddress(v.address())) {
        throw new IllegalArgumentException("validator " + v.addressHex() + " appears twice");
      }
      total += v.votingPower();
      if (total > MAX_TOTAL_VOTING_POWER) {
        throw new IllegalArgumentException("total voting power exceeds " + MAX_TOTAL_VOTING_POWER);
      }
    }
    this.validators = List.copyOf(sorted);
    this.totalVotingPower = total;
    this.points = new Ed25519.PublicPoint[sorted.size()];
  }

  /**
   * The decoded Ed25519 key of validator {@code index}, or {@code null} if the key is not a valid
   * point.
   */
  Ed25519.PublicPoint publicPoint(int index) {
    Ed25519.PublicPoint p = points[index];
    if (p == null) {
      p = Ed25519Points.of(validators.get(index).publicKey());
      points[index] = p;
    }
    return p;
  }

  /** The index of {@code v} in this set. */
  int indexOf(Validator v) {
    return validators.indexOf(v);
  }

  public List<Validator> validators() {
    return validators;
  }

  public int size() {
    return validators.size();
  }

  public long totalVotingPower() {
    return totalVotingPower;
  }

  /** The validator with {@code address}, or {@code null}. */
  public Validator byAddress(byte[] address) {
    for (Validator v : validators) {
      if (v.hasAddress(address)) {
        return v;
      }
    }
    return null;
  }

  /**
   * CometBFT's validator-set hash: the Merkle root over each {@code SimpleValidator} in canonical
   * order.
   */
  public byte[] hash() {
    byte[] h = hash;
    if (h == null) {
      h = computeHash();
      hash = h;
    }
    return h.clone();
  }

  private byte[] computeHash() {
    List<byte[]> leaves = new ArrayList<>(validators.size());
    for (Validator v : validators) {
      leaves.add(v.hashLeaf());
    }
    return Merkle.root(leaves);
  }
}
