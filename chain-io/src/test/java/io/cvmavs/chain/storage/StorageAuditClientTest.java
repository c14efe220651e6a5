package io.cvmavs.chain.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.abi.Bytes32;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StorageAuditClientTest {
  private static byte[] filled(int b) {
    byte[] v = new byte[32];
    Arrays.fill(v, (byte) b);
    return v;
  }

  /** The vector of {@code StorageAudit.t.sol test_DigestVector_SharedWithJava}. */
  @Test
  void digestEqualsSolidityVector() {
    byte[] d =
        StorageAuditClient.outcomeDigest(
            31_337,
            "0x5FbDB2315678afecb367f032d93F642f64180aa3",
            filled(0x11),
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            filled(0x22),
            filled(0x33),
            false);
    assertThat(Bytes32.hex(d))
        .isEqualTo("0x4cb652eb6db2d4bcd13c8cf07e5283ff539ccc7c013960e4c6e6e163612ac267");
    assertThat(Bytes32.hex(StorageAuditClient.OUTCOME_TYPEHASH))
        .isEqualTo("0xd87df29875cfaa74cfd50c1036c0fe7d1a501301697a20be13cd821ba71769a2");
  }

  @Test
  void everyFieldChangesTheDigest() {
    String audit = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    String holder = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    byte[] base =
        StorageAuditClient.outcomeDigest(1, audit, filled(1), holder, filled(2), filled(3), true);
    assertThat(
            StorageAuditClient.outcomeDigest(
                2, audit, filled(1), holder, filled(2), filled(3), true))
        .isNotEqualTo(base);
    assertThat(
            StorageAuditClient.outcomeDigest(
                1, audit, filled(1), holder, filled(2), filled(3), false))
        .isNotEqualTo(base);
    assertThat(
            StorageAuditClient.outcomeDigest(
                1, audit, filled(1), holder, filled(4), filled(3), true))
        .isNotEqualTo(base);
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(
            () ->
                StorageAuditClient.outcomeDigest(
                    1,
                    "0x12",
                    filled(1),
                    "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                    filled(2),
                    filled(3),
                    true))
        .hasMessageContaining("audit is not an address");
    assertThatThrownBy(
            () -> new StorageAuditClient.Outcome(new byte[31], "0x" + "0".repeat(40), 1, true))
        .hasMessageContaining("groupHash");
  }

  @Test
  void refusalsNameTheContractsCustomError() {
    assertThat(
            StorageAuditClient.errorName(
                "would revert: execution reverted: custom error 0xbd5145db: 00000000"))
        .isEqualTo("DeadlineNotReached");
    assertThat(StorageAuditClient.errorName("custom error 0x37e6504a: 6d93"))
        .isEqualTo("AlreadySlashed");
    assertThat(StorageAuditClient.errorName("custom error 0xdeadbeef")).isNull();
  }
}
