package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The validator set {@code CvmCheckpoints} checks the next checkpoint against, as read from the
 * contract: its id, hash, entries (G1 key, power) in the contract's order and total power. The
 * entries are re-hashed on construction, so a set read wrongly is refused before anything is
 * verified against it.
 */
public record CommittedSet(long setId, byte[] hash, List<ValidatorEntry> entries) {
  public CommittedSet {
    entries = List.copyOf(entries);
    hash = hash.clone();
    byte[] recomputed = hashOf(entries);
    if (!Arrays.equals(recomputed, hash)) {
      throw new RelayerException(
          "validator set "
              + setId
              + " read from CvmCheckpoints hashes to 0x"
              + HexFormat.of().formatHex(recomputed)
              + ", the contract says 0x"
              + HexFormat.of().formatHex(hash));
    }
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  public BigInteger totalPower() {
    return entries.stream().map(ValidatorEntry::power).reduce(BigInteger.ZERO, BigInteger::add);
  }

  /** {@code keccak256(VALIDATOR_SET_TYPEHASH ‖ x1 ‖ y1 ‖ p1 ‖ …)}, the contract's set hash. */
  public static byte[] hashOf(List<ValidatorEntry> entries) {
    AbiWords w = AbiWords.of().bytes32(BlsValidatorSet.VALIDATOR_SET_TYPEHASH);
    for (ValidatorEntry e : entries) {
      w.uint(e.g1().x()).uint(e.g1().y()).uint(e.power());
    }
    return w.keccak();
  }

  /** The contract's entries of a CVM chain set (its order: operatorId ascending, as the app's). */
  public static List<ValidatorEntry> entriesOf(BlsValidatorSet set) {
    return set.entries().stream()
        .map(v -> new ValidatorEntry(v.g1(), BigInteger.valueOf(v.power())))
        .toList();
  }
}
