package io.cvmavs.localnet.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs a test class whose test fails while anvil is up (through the JUnit test kit) and checks that
 * the extension stopped anvil anyway.
 */
class AnvilExtensionCleanupIT {
  @Test
  void anvilIsStoppedAfterAFailingTest() {
    FailingWhileAnvilRuns.pid = -1;

    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FailingWhileAnvilRuns.class))
            .execute()
            .testEvents();

    tests.assertStatistics(stats -> stats.started(1).failed(1).succeeded(0));
    assertThat(FailingWhileAnvilRuns.pid).as("anvil had started").isPositive();
    Optional<ProcessHandle> handle = ProcessHandle.of(FailingWhileAnvilRuns.pid);
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false))
        .as("anvil still running")
        .isFalse();
  }

  /**
   * Not run on its own (surefire and failsafe skip nested classes); driven by the test kit above.
   */
  @WithAnvil
  static class FailingWhileAnvilRuns {
    static volatile long pid;

    @Test
    void failsWithAnvilRunning(AnvilNode anvil) {
      pid = anvil.pid();
      assertThat(anvil.isAlive()).isTrue();
      throw new AssertionError("deliberate failure while anvil runs");
    }
  }
}
