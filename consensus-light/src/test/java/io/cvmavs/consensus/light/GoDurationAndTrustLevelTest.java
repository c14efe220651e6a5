package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationAndTrustLevelTest {
  @Test
  void goDurations() {
    assertThat(GoDuration.parse("1400s")).isEqualTo(Duration.ofSeconds(1400));
    assertThat(GoDuration.parse("336h0m0s")).isEqualTo(Duration.ofDays(14));
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("10ms")).isEqualTo(Duration.ofMillis(10));
    assertThat(GoDuration.parse("1400000000000ns")).isEqualTo(Duration.ofSeconds(1400));
    assertThat(GoDuration.parse("2us")).isEqualTo(Duration.ofNanos(2000));
    assertThat(GoDuration.parse("0")).isZero();
    assertThat(GoDuration.parse("-5s")).isEqualTo(Duration.ofSeconds(-5));
    for (String bad : new String[] {"", "10", "5 s", "1d", "s", "1h-5m", "99999999999999999999h"}) {
      assertThatThrownBy(() -> GoDuration.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void formatIsGosNotationAndParsesBack() {
    assertThat(GoDuration.format(Duration.ofDays(14))).isEqualTo("336h0m0s");
    assertThat(GoDuration.format(Duration.ofSeconds(1400))).isEqualTo("23m20s");
    assertThat(GoDuration.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(GoDuration.format(Duration.ofMillis(500))).isEqualTo("0.5s");
    assertThat(GoDuration.format(Duration.ZERO)).isEqualTo("0s");
    for (Duration d :
        new Duration[] {Duration.ofNanos(1_234_567_891_011L), Duration.ofHours(25).plusNanos(7)}) {
      assertThat(GoDuration.parse(GoDuration.format(d))).isEqualTo(d);
    }
  }

  @Test
  void trustLevels() {
    assertThat(TrustLevel.parse("1/3")).isEqualTo(TrustLevel.ONE_THIRD);
    assertThat(TrustLevel.parse(" 2 / 3 ")).isEqualTo(new TrustLevel(2, 3));
    assertThat(TrustLevel.parse("1/1")).isEqualTo(new TrustLevel(1, 1));
    for (String bad : new String[] {"1/4", "4/3", "0/1", "1/0", "1", "a/b", "1/3/1", "-1/3"}) {
      assertThatThrownBy(() -> TrustLevel.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
