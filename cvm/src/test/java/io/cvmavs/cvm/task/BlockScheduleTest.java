package io.cvmavs.cvm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlockScheduleTest {
  @Test
  void cvmBlocksTileTheChainFromGenesis() {
    BlockSchedule s = new BlockSchedule(100, 10);
    assertThat(s.rangeStart(0)).isEqualTo(100);
    assertThat(s.rangeEnd(0)).isEqualTo(109);
    assertThat(s.rangeStart(3)).isEqualTo(130);
    assertThat(s.rangeEnd(3)).isEqualTo(139);
    for (long h = 0; h < 50; h++) {
      assertThat(s.rangeStart(h + 1)).isEqualTo(s.rangeEnd(h) + 1);
    }
  }

  @Test
  void lastFinishedHeightIsTheHighestBlockWhoseRangeEnded() {
    BlockSchedule s = new BlockSchedule(100, 10);
    assertThat(s.lastFinishedHeight(0)).isEqualTo(-1);
    assertThat(s.lastFinishedHeight(108)).isEqualTo(-1);
    assertThat(s.lastFinishedHeight(109)).isEqualTo(0);
    assertThat(s.lastFinishedHeight(118)).isEqualTo(0);
    assertThat(s.lastFinishedHeight(119)).isEqualTo(1);
    BlockSchedule one = new BlockSchedule(0, 1);
    assertThat(one.lastFinishedHeight(0)).isEqualTo(0);
    assertThat(one.lastFinishedHeight(7)).isEqualTo(7);
  }

  @Test
  void refusesAnEmptySpanOrNegativeGenesis() {
    assertThatThrownBy(() -> new BlockSchedule(0, 0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new BlockSchedule(-1, 5)).hasMessageContaining(">= 0");
  }
}
