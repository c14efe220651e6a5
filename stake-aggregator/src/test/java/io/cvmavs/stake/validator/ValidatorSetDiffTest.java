package io.cvmavs.stake.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.stake.StakeFixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidatorSetDiffTest {
  private static List<Validator> random(StakeFixtures f, List<ConsensusKey> pool, int maxPower) {
    List<Validator> out = new ArrayList<>();
    for (ConsensusKey k : pool) {
      if (f.random().nextBoolean()) {
        out.add(new Validator(k, 1 + f.random().nextInt(maxPower)));
      }
    }
    return out;
  }

  @Test
  void applyingTheDiffToTheOldSetGivesTheNewSet() {
    for (long seed = 0; seed < 500; seed++) {
      StakeFixtures f = new StakeFixtures(seed);
      List<ConsensusKey> pool = new ArrayList<>();
      for (int i = 0; i < 1 + f.random().nextInt(20); i++) {
        pool.add(f.key());
      }
      // Small power range so unchanged validators occur.
      ValidatorSet before = ValidatorSet.of(random(f, pool, 3));
      ValidatorSet after = ValidatorSet.of(random(f, pool, 3));
      List<ValidatorUpdate> updates = ValidatorSetDiff.diff(before, after);

      assertThat(ValidatorSetDiff.apply(before, updates)).as("seed %d", seed).isEqualTo(after);
      Set<ConsensusKey> keys = new HashSet<>();
      updates.forEach(u -> assertThat(keys.add(u.pubKey())).as("duplicate").isTrue());
      assertThat(updates).isSortedAccordingTo(ValidatorSetDiff.ORDER);
      for (ValidatorUpdate u : updates) {
        Long old = before.powers().get(u.pubKey());
        Long now = after.powers().get(u.pubKey());
        if (u.isRemoval()) {
          assertThat(old).isNotNull();
          assertThat(now).isNull();
        } else {
          assertThat(now).isEqualTo(u.power());
          assertThat(old).isNotEqualTo(now);
        }
      }
      assertThat(ValidatorSetDiff.diff(after, after)).isEmpty();
    }
  }

  @Test
  void applyRefusesDuplicatesAndUnknownRemovals() {
    StakeFixtures f = new StakeFixtures(1);
    ConsensusKey a = f.key();
    ConsensusKey b = f.key();
    ValidatorSet set = ValidatorSet.of(List.of(new Validator(a, 5)));
    assertThatThrownBy(
            () ->
                ValidatorSetDiff.apply(
                    set, List.of(new ValidatorUpdate(a, 3), new ValidatorUpdate(a, 4))))
        .isInstanceOf(ValidatorSetException.class)
        .hasMessageContaining("duplicate update");
    assertThatThrownBy(() -> ValidatorSetDiff.apply(set, List.of(new ValidatorUpdate(b, 0))))
        .isInstanceOf(ValidatorSetException.class)
        .hasMessageContaining("not in the set");
  }

  @Test
  void setIsInCanonicalOrderAndRefusesBadInput() {
    StakeFixtures f = new StakeFixtures(2);
    List<Validator> vs = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      vs.add(new Validator(f.key(), 1 + f.random().nextInt(4)));
    }
    ValidatorSet set = ValidatorSet.of(vs);
    for (int i = 1; i < set.size(); i++) {
      Validator p = set.validators().get(i - 1);
      Validator v = set.validators().get(i);
      assertThat(
              p.power() > v.power()
                  || (p.power() == v.power() && p.pubKey().compareTo(v.pubKey()) < 0))
          .isTrue();
    }
    ConsensusKey k = f.key();
    assertThatThrownBy(() -> ValidatorSet.of(List.of(new Validator(k, 1), new Validator(k, 2))))
        .isInstanceOf(ValidatorSetException.class)
        .hasMessageContaining("duplicate");
    assertThatThrownBy(() -> ValidatorSet.of(List.of(new Validator(k, 0))))
        .hasMessageContaining("power 0");
    assertThatThrownBy(
            () ->
                ValidatorSet.of(
                    List.of(
                        new Validator(k, ValidatorSet.MAX_TOTAL_VOTING_POWER),
                        new Validator(f.key(), 1))))
        .hasMessageContaining("MaxTotalVotingPower");
  }
}
