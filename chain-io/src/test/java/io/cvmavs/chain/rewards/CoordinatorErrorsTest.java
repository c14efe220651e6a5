package io.cvmavs.chain.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoordinatorErrorsTest {
  @Test
  void selectorsAreTheCoordinatorsOwn() {
    // As EigenLayer v1.12.0's RewardsCoordinator reverted on anvil (docs/REWARDS.md).
    assertThat(CoordinatorErrors.selector("StrategyNotWhitelisted()")).isEqualTo("0x5dfb2ca2");
  }

  @Test
  void namesTheErrorInANodesRevertText() {
    String anvil =
        "CvmServiceManager.createOperatorDirectedOperatorSetRewardsSubmission would revert:"
            + " execution reverted: custom error 0x5dfb2ca2 (data 0x5dfb2ca2)";
    assertThat(CoordinatorErrors.explain(anvil))
        .hasValueSatisfying(
            r -> assertThat(r).startsWith("StrategyNotWhitelisted(): ").contains("whitelist"));
    String geth =
        "x would revert: execution reverted (data "
            + CoordinatorErrors.selector("StartTimestampTooFarInPast()")
                .toUpperCase()
                .replace("0X", "0x")
            + ")";
    assertThat(CoordinatorErrors.explain(geth))
        .hasValueSatisfying(r -> assertThat(r).contains("MAX_RETROACTIVE_LENGTH"));
    assertThat(CoordinatorErrors.explain(null)).isEmpty();
  }

  @Test
  void leavesOtherRevertsAlone() {
    // OnlyRewardsInitiator(address) of the service manager: selector plus an argument word.
    assertThat(CoordinatorErrors.explain("would revert (data 0x5dfb2ca2" + "00".repeat(32) + ")"))
        .isEmpty();
    assertThat(CoordinatorErrors.explain("would revert (data 0x12345678)")).isEmpty();
    assertThat(CoordinatorErrors.explain("reverted in transaction 0xabcdef0123")).isEmpty();
  }
}
