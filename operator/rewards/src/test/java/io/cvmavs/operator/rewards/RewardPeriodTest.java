package io.cvmavs.operator.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.rewards.RewardsReader;
import org.junit.jupiter.api.Test;

class RewardPeriodTest {
  private static final long DAY = 86_400;
  private static final RewardsReader.Rules MAINNET =
      new RewardsReader.Rules(DAY, 6_048_000, 14_515_200, 1_710_979_200);

  @Test
  void endsAtTheLastBoundaryStrictlyBeforeNow() {
    long now = 1_750_000_000;
    RewardPeriod p = RewardPeriod.latestComplete(now, MAINNET, now - 3 * DAY).orElseThrow();
    assertThat(p.end() % DAY).isZero();
    assertThat(p.start() % DAY).isZero();
    assertThat(p.end()).isLessThan(now).isGreaterThan(now - DAY - 1);
    assertThat(p.duration() % DAY).isZero();
  }

  @Test
  void aNowOnABoundaryIsNotIncluded() {
    RewardsReader.Rules r = new RewardsReader.Rules(10, 100, 1000, 0);
    assertThat(RewardPeriod.latestComplete(1000, r, 900).orElseThrow())
        .isEqualTo(new RewardPeriod(900, 90));
  }

  @Test
  void startsAtNotBeforeRoundedUpAndIsCappedByMaxDuration() {
    RewardsReader.Rules r = new RewardsReader.Rules(10, 50, 1000, 0);
    assertThat(RewardPeriod.latestComplete(1005, r, 983).orElseThrow())
        .isEqualTo(new RewardPeriod(990, 10));
    assertThat(RewardPeriod.latestComplete(1005, r, 0).orElseThrow())
        .isEqualTo(new RewardPeriod(950, 50));
  }

  @Test
  void respectsTheRetroactiveLimitAndGenesis() {
    RewardsReader.Rules r = new RewardsReader.Rules(10, 10_000, 100, 0);
    assertThat(RewardPeriod.latestComplete(1005, r, 0).orElseThrow().start()).isEqualTo(910);
    RewardsReader.Rules g = new RewardsReader.Rules(10, 10_000, 10_000, 980);
    assertThat(RewardPeriod.latestComplete(1005, g, 0).orElseThrow())
        .isEqualTo(new RewardPeriod(980, 20));
  }

  @Test
  void emptyWhenNoWholeIntervalIsLeft() {
    RewardsReader.Rules r = new RewardsReader.Rules(10, 100, 1000, 0);
    assertThat(RewardPeriod.latestComplete(1005, r, 1000)).isEmpty();
    assertThat(RewardPeriod.latestComplete(1005, r, 991)).isEmpty();
  }

  @Test
  void refusesABadIntervalOrPeriod() {
    assertThatThrownBy(() -> RewardPeriod.latestComplete(5, new RewardsReader.Rules(0, 1, 1, 0), 0))
        .hasMessageContaining("interval");
    assertThatThrownBy(() -> new RewardPeriod(10, 0)).hasMessageContaining("duration > 0");
  }
}
