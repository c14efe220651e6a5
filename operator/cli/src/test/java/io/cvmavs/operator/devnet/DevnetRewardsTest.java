package io.cvmavs.operator.devnet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The devnet's fee and rewards summary rows: amounts in `$C`, the escrow's conservation check. */
class DevnetRewardsTest {
  private static final BigInteger FEE = DevnetRewards.FEE;

  private static DevnetRewards.Outcome outcome(BigInteger held) {
    BigInteger third = FEE.multiply(BigInteger.TWO).divide(BigInteger.valueOf(3));
    return new DevnetRewards.Outcome(
        FEE.multiply(BigInteger.valueOf(3)),
        FEE.multiply(BigInteger.TWO),
        FEE,
        held,
        2,
        true,
        1,
        third.multiply(BigInteger.TWO),
        List.of(
            new DevnetRewards.Share("operator-1", "0x01", BigInteger.ZERO, 0),
            new DevnetRewards.Share("operator-2", "0x02", third, 50),
            new DevnetRewards.Share("operator-3", "0x03", third, 50)),
        0,
        Optional.of(new DevnetRewards.Share("operator-2", "0x02", third, 50)));
  }

  @Test
  void conservedOnlyWhenEscrowedIsReleasedPlusRefundedPlusHeld() {
    assertThat(outcome(BigInteger.ZERO).conserved()).isTrue();
    assertThat(outcome(BigInteger.ONE).conserved()).isFalse();
  }

  @Test
  void printsFeesSharesAndTheClaimAndFlagsABrokenEscrow() {
    StringWriter text = new StringWriter();
    outcome(BigInteger.ZERO).print(new PrintWriter(text, true));
    assertThat(text.toString())
        .contains("escrowed 3, released 2, refunded 1, held 0")
        .doesNotContain("NOT CONSERVED")
        .contains("task 2, fee refunded")
        .contains("1 submission(s), 1.333333 $C, root 0 posted")
        .containsPattern("reward share operator-2 +0\\.666666 \\$C \\(50\\.0 %\\)")
        .containsPattern("rewards claimed \\(\\$C\\) +0\\.666666 by operator-2");
    StringWriter broken = new StringWriter();
    outcome(BigInteger.ONE).print(new PrintWriter(broken, true));
    assertThat(broken.toString()).contains("NOT CONSERVED");
  }

  @Test
  void jsonCarriesExactAmountsInTheSmallestUnit() {
    ObjectNode root = new ObjectMapper().createObjectNode();
    outcome(BigInteger.ZERO).toJson(root);
    assertThat(root.path("rewards").path("fees_escrowed").asText())
        .isEqualTo("3000000000000000000");
    assertThat(root.path("rewards").path("fees_conserved").asBoolean()).isTrue();
    assertThat(root.path("rewards").path("shares").get(1).path("amount").asText())
        .isEqualTo("666666666666666666");
    assertThat(root.path("rewards").path("claimed").path("operator").asText())
        .isEqualTo("operator-2");
  }
}
