package io.cvmavs.stake.validator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CometBFT {@code ValidatorUpdate}s that turn one validator set into another, and their
 * application (CometBFT's {@code updateWithChangeSet} rules: power 0 removes, a key appears at most
 * once, removing an unknown key is an error).
 */
public final class ValidatorSetDiff {
  /** Updates are listed by address ascending, so the diff of two sets is one byte sequence. */
  public static final Comparator<ValidatorUpdate> ORDER =
      Comparator.comparing(ValidatorUpdate::pubKey);

  private ValidatorSetDiff() {}

  /**
   * Updates from {@code previous} to {@code next}: a removal (power 0) for each key that left, the
   * new power for each key that joined or changed power; unchanged validators are not listed.
   */
  public static List<ValidatorUpdate> diff(ValidatorSet previous, ValidatorSet next) {
    Map<ConsensusKey, Long> old = previous.powers();
    Map<ConsensusKey, Long> now = next.powers();
    List<ValidatorUpdate> updates = new ArrayList<>();
    for (ConsensusKey k : old.keySet()) {
      if (!now.containsKey(k)) {
        updates.add(new ValidatorUpdate(k, 0));
      }
    }
    now.forEach(
        (k, p) -> {
          Long before = old.get(k);
          if (before == null || before != p.longValue()) {
            updates.add(new ValidatorUpdate(k, p));
          }
        });
    updates.sort(ORDER);
    return List.copyOf(updates);
  }

  /**
   * Applies {@code updates} to {@code set} as CometBFT does.
   *
   * @throws ValidatorSetException on a duplicate key in {@code updates}, the removal of a key that
   *     is not in the set, or a resulting total above the maximum
   */
  public static ValidatorSet apply(ValidatorSet set, List<ValidatorUpdate> updates) {
    Set<ConsensusKey> seen = new HashSet<>();
    Map<ConsensusKey, Long> powers = new LinkedHashMap<>(set.powers());
    for (ValidatorUpdate u : updates) {
      if (!seen.add(u.pubKey())) {
        throw new ValidatorSetException("duplicate update for " + u.pubKey());
      }
      if (u.isRemoval()) {
        if (powers.remove(u.pubKey()) == null) {
          throw new ValidatorSetException("cannot remove " + u.pubKey() + ": not in the set");
        }
      } else {
        powers.put(u.pubKey(), u.power());
      }
    }
    List<Validator> out = new ArrayList<>();
    powers.forEach((k, p) -> out.add(new Validator(k, p)));
    return ValidatorSet.of(out);
  }
}
