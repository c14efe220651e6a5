package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console line of an alert, and which alerts an operator filter lets through. */
class AlertTest {
  private static final String OPERATOR = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String OTHER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
  private static final String ID = "0x" + "ab".repeat(32);
  private static final String TX = "0x5c3a" + "00".repeat(28) + "e1f0";

  private static Alert alert(AlertType type, String operator, String id, Long task, Long request) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("description", "x".repeat(1500)); // the JSON may be long; the line is not
    return new Alert(
        "31337:" + TX + ":2",
        type,
        operator,
        id,
        task,
        request == null ? null : BigInteger.valueOf(request),
        TX,
        57,
        2,
        1_767_225_600L,
        31337,
        "a long message " + "y".repeat(200),
        details);
  }

  @Test
  void consoleLineIsShortAndReadable() {
    assertThat(alert(AlertType.EQUIVOCATION_SLASHED, OPERATOR, null, 1L, null).consoleLine())
        .isEqualTo("equivocation_slashed operator=0x7099…79c8 task=1 tx=0x5c3a…e1f0 block=57");
    assertThat(alert(AlertType.CHALLENGE_RAISED, null, null, 4L, 3L).consoleLine())
        .isEqualTo("challenge_raised task=4 request=3 tx=0x5c3a…e1f0 block=57");
    assertThat(alert(AlertType.LIVENESS_THRESHOLD_REACHED, null, ID, null, null).consoleLine())
        .isEqualTo("liveness_threshold_reached operatorId=0xabab…abab tx=0x5c3a…e1f0 block=57");
    assertThat(alert(AlertType.OPERATOR_SLASHED, OPERATOR, null, null, null).toJson().encode())
        .hasSizeGreaterThan(1500); // the webhook still gets everything
  }

  @Test
  void filterAdmitsListedOperatorsByAddressOrIdAndEveryAvsWideAlert() {
    OperatorFilter byAddress =
        new OperatorFilter(java.util.Set.of(OPERATOR.toUpperCase()), java.util.Set.of());
    Map<String, String> registry = Map.of(ID, OPERATOR);
    assertThat(byAddress.admitsDirectly(OPERATOR, null)).isTrue();
    assertThat(byAddress.admitsDirectly(OTHER, null)).isFalse();
    assertThat(byAddress.admitsDirectly(null, null)).as("AVS-wide").isTrue();
    assertThat(byAddress.admitsDirectly(null, ID)).isFalse();
    assertThat(byAddress.admits(null, ID, registry)).as("id resolved to the address").isTrue();
    assertThat(byAddress.admits(null, "0x" + "cd".repeat(32), registry)).isFalse();

    OperatorFilter byId = new OperatorFilter(java.util.Set.of(), java.util.Set.of(ID));
    assertThat(byId.admits(OPERATOR, null, registry)).as("address resolved to the id").isTrue();
    assertThat(byId.admits(OTHER, null, registry)).isFalse();
    assertThat(OperatorFilter.ALL.admitsDirectly(OTHER, null)).isTrue();
  }
}
