package io.cvmavs.stake.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.stake.StakeException;
import org.junit.jupiter.api.Test;

class EpochScheduleTest {
  @Test
  void boundariesAndJailWindows() {
    EpochSchedule s = new EpochSchedule(100, 10);
    assertThat(s.epochOf(100)).isZero();
    assertThat(s.epochOf(109)).isZero();
    assertThat(s.epochOf(110)).isEqualTo(1);
    assertThat(s.boundary(3)).isEqualTo(130);
    // Jail window of epoch 3 with 1 epoch: slashes in (120, 130].
    assertThat(s.jailFrom(3, 1)).isEqualTo(120);
    assertThat(s.jailFrom(3, 2)).isEqualTo(110);
    // Never before genesis; 0 epochs = empty window.
    assertThat(s.jailFrom(0, 5)).isEqualTo(99);
    assertThat(s.jailFrom(3, 0)).isEqualTo(130);
    assertThatThrownBy(() -> s.epochOf(99))
        .isInstanceOf(StakeException.class)
        .hasMessageContaining("before the first epoch");
    assertThatThrownBy(() -> new EpochSchedule(0, 0)).isInstanceOf(StakeException.class);
  }
}
