package io.cvmavs.chain.avs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LivenessSlaTest {
  @Test
  void aStreakCountsOnlyWhileTheLastMissIsTheLatestResponse() {
    LivenessSla now = LivenessSla.of(new TaskManagerReader.Liveness(10, 2, false), 3, 10);
    assertThat(now.currentStreak()).isEqualTo(2);
    assertThat(now.missesLeft()).isEqualTo(1);
    assertThat(now.warning()).isTrue();
    assertThat(now.summary()).startsWith("missed 2 in a row, ejection at 3 (1 left)");

    LivenessSla later = LivenessSla.of(new TaskManagerReader.Liveness(10, 2, false), 3, 14);
    assertThat(later.currentStreak()).isZero();
    assertThat(later.responsesSinceLastMiss()).isEqualTo(4);
    assertThat(later.warning()).isFalse();
  }

  @Test
  void neverMissedAndEjectable() {
    LivenessSla clean = LivenessSla.of(new TaskManagerReader.Liveness(0, 0, false), 3, 7);
    assertThat(clean.currentStreak()).isZero();
    assertThat(clean.responsesSinceLastMiss()).isEqualTo(7);
    assertThat(clean.warning()).isFalse();
    assertThat(clean.summary()).endsWith("never missed");
    LivenessSla out = LivenessSla.of(new TaskManagerReader.Liveness(9, 3, true), 3, 9);
    assertThat(out.warning()).isFalse();
    assertThat(out.summary()).isEqualTo("ejectable: missed 3 responses in a row");
  }

  @Test
  void aFirstMissWarnsWhenTheLimitIsTwo() {
    assertThat(LivenessSla.of(new TaskManagerReader.Liveness(5, 1, false), 2, 5).warning())
        .isTrue();
    assertThat(LivenessSla.of(new TaskManagerReader.Liveness(5, 1, false), 3, 5).warning())
        .isFalse();
  }
}
