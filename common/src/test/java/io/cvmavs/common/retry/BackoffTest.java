package io.cvmavs.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesFromTheInitialDelayUpToTheCapWithinEqualJitter() {
    Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
    Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 1.0);
    long[] expected = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
    for (int attempt = 1; attempt <= expected.length; attempt++) {
      assertThat(high.delay(attempt).toMillis()).isEqualTo(expected[attempt - 1]);
      assertThat(low.delay(attempt).toMillis()).isEqualTo(expected[attempt - 1] / 2);
    }
    assertThat(high.delay(1_000).toMillis()).as("no overflow far out").isEqualTo(30000);
  }

  @Test
  void jitterSpreadsTheWaits() {
    java.util.Random random = new java.util.Random(7);
    Backoff b = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(30), random::nextDouble);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 50; i++) {
      long ms = b.delay(1).toMillis();
      assertThat(ms).isBetween(2000L, 4000L);
      seen.add(ms);
    }
    assertThat(seen).hasSizeGreaterThan(10);
  }

  @Test
  void refusesANonPositiveInitialDelayOrACapBelowIt() {
    assertThatThrownBy(() -> Backoff.of(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 < initial <= max");
    assertThatThrownBy(() -> Backoff.of(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withoutJitterTheDelaysDoubleExactlyUpToTheCap() {
    Backoff b = Backoff.exponential(Duration.ofMillis(100), Duration.ofMillis(300));
    assertThat(java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(b::delay))
        .extracting(Duration::toMillis)
        .containsExactly(100L, 200L, 300L, 300L, 300L);
    assertThat(b.delay(0)).as("attempts below 1 count as the first").isEqualTo(b.delay(1));
    assertThat(Backoff.exponential(Duration.ZERO, Duration.ZERO).delay(9)).isZero();
    assertThat(Backoff.exponential(Duration.ofMillis(1), Duration.ofDays(1)).delay(64))
        .isEqualTo(Duration.ofDays(1));
  }

  @Test
  void aNegativeInitialDelayOrACapBelowItIsRefusedWithTheValues() {
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("backoff needs 0 <= initial <= max, got PT-0.001S, PT1S");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 <= initial <= max");
  }
}
