package io.cvmavs.consensus.app.model;

import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.stake.validator.ConsensusKey;
import io.cvmavs.stake.validator.Validator;
import io.cvmavs.stake.validator.ValidatorSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The BLS validator set that signs checkpoints (checkpoint spec, "BLS validator set and its hash"):
 * entries sorted by operatorId ascending, no duplicate operator ids or consensus keys, every power
 * positive; {@code hash = keccak256(VALIDATOR_SET_TYPEHASH ‖ x1 ‖ y1 ‖ p1 ‖ x2 ‖ ...)}. Immutable.
 */
public final class BlsValidatorSet {
  public static final String VALIDATOR_SET_TYPE =
      "CvmValidatorSet(uint256 g1x,uint256 g1y,uint256 power)[]";
  public static final byte[] VALIDATOR_SET_TYPEHASH = AbiWords.keccak(VALIDATOR_SET_TYPE);

  private static final Comparator<BlsValidator> ORDER =
      (a, b) -> Arrays.compareUnsigned(a.operatorId(), b.operatorId());

  private final List<BlsValidator> entries;
  private final long totalPower;
  private final byte[] hash;

  private BlsValidatorSet(List<BlsValidator> entries, long totalPower) {
    this.entries = entries;
    this.totalPower = totalPower;
    AbiWords w = AbiWords.of().bytes32(VALIDATOR_SET_TYPEHASH);
    for (BlsValidator v : entries) {
      w.uint(v.g1().x()).uint(v.g1().y()).uint(v.power());
    }
    this.hash = w.keccak();
  }

  /**
   * @throws AppException on an empty set, a duplicate BLS key or consensus key, or a total power
   *     above CometBFT's maximum
   */
  public static BlsValidatorSet of(Collection<BlsValidator> validators) {
    if (validators.isEmpty()) {
      throw new AppException("a BLS validator set needs at least one validator");
    }
    List<BlsValidator> sorted = new ArrayList<>(validators);
    sorted.sort(ORDER);
    Set<ConsensusKey> keys = new HashSet<>();
    long total = 0;
    for (int i = 0; i < sorted.size(); i++) {
      BlsValidator v = sorted.get(i);
      if (i > 0 && Arrays.equals(sorted.get(i - 1).operatorId(), v.operatorId())) {
        throw new AppException("duplicate BLS key " + v.g1() + " in the validator set");
      }
      if (!keys.add(v.consensusKey())) {
        throw new AppException(
            "duplicate consensus key " + v.consensusKey() + " in the validator set");
      }
      total += v.power();
      if (total > ValidatorSet.MAX_TOTAL_VOTING_POWER) {
        throw new AppException("total voting power exceeds " + ValidatorSet.MAX_TOTAL_VOTING_POWER);
      }
    }
    return new BlsValidatorSet(List.copyOf(sorted), total);
  }

  /** Entries in operatorId order (the order of the hash and of certificate bitmaps). */
  public List<BlsValidator> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  public long totalPower() {
    return totalPower;
  }

  public byte[] hash() {
    return hash.clone();
  }

  /** The entry whose CometBFT address (SHA-256(key)[:20]) is {@code address}. */
  public Optional<Integer> indexOfAddress(byte[] address) {
    for (int i = 0; i < entries.size(); i++) {
      if (Arrays.equals(entries.get(i).consensusKey().address(), address)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** Strictly more than 2/3 of the total power. */
  public boolean isQuorum(long power) {
    return java.math.BigInteger.valueOf(power)
            .multiply(java.math.BigInteger.valueOf(3))
            .compareTo(java.math.BigInteger.valueOf(totalPower).shiftLeft(1))
        > 0;
  }

  /** The same keys and powers as a CometBFT (Ed25519) validator set. */
  public ValidatorSet cometSet() {
    List<Validator> vs = new ArrayList<>();
    entries.forEach(v -> vs.add(new Validator(v.consensusKey(), v.power())));
    return ValidatorSet.of(vs);
  }

  /** Sum of the G2 keys of the entries whose bit is set (little-endian bit order). */
  public G2Point aggregateG2(byte[] bitmap) {
    List<G2Point> keys = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (bit(bitmap, i)) {
        keys.add(entries.get(i).g2());
      }
    }
    return G2Point.sum(keys);
  }

  /** Power of the entries whose bit is set. */
  public long power(byte[] bitmap) {
    long p = 0;
    for (int i = 0; i < entries.size(); i++) {
      if (bit(bitmap, i)) {
        p += entries.get(i).power();
      }
    }
    return p;
  }

  public static boolean bit(byte[] bitmap, int i) {
    return i / 8 < bitmap.length && (bitmap[i / 8] >> (i % 8) & 1) == 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlsValidatorSet s && entries.equals(s.entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hash);
  }

  @Override
  public String toString() {
    return "BlsValidatorSet" + entries;
  }
}
