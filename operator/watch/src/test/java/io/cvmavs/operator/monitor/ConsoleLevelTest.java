package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** An alert's console level: the severity's, except an expected offender's critical alert. */
class ConsoleLevelTest {
  private static final String FAULTY = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String HONEST = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
  private static final String FAULTY_ID = "0x" + "ab".repeat(32);

  private static Alert alert(AlertType type, String operator, String operatorId) {
    return alert(type, operator, operatorId, null);
  }

  private static Alert alert(AlertType type, String operator, String operatorId, Long request) {
    return new Alert(
        "31337:0x01:0",
        type,
        operator,
        operatorId,
        null,
        request == null ? null : BigInteger.valueOf(request),
        "0x01",
        1,
        0,
        0,
        31337,
        "m",
        Map.of());
  }

  @Test
  void aRequestsFulfilmentIsExpectedWhenItsOperatorsAllWere() {
    ConsoleLevel level = new ConsoleLevel();
    level.expect(FAULTY);
    assertThat(level.of(alert(AlertType.SLASHING_REQUEST_FULFILLED, null, null, 1L)))
        .as("nothing known about request 1 yet")
        .isEqualTo(Level.ERROR);
    level.of(alert(AlertType.SIGNATURE_CHALLENGE_RAISED, FAULTY, null, 2L));
    assertThat(level.of(alert(AlertType.SLASHING_REQUEST_FULFILLED, null, null, 2L)))
        .isEqualTo(Level.WARN);
    level.of(alert(AlertType.OPERATOR_SLASHED_FOR_WRONG_RESULT, FAULTY, null, 3L));
    level.of(alert(AlertType.OPERATOR_SLASHED_FOR_WRONG_RESULT, HONEST, null, 3L));
    assertThat(level.of(alert(AlertType.SLASHING_REQUEST_FULFILLED, null, null, 3L)))
        .as("request 3 slashed an operator nobody expected")
        .isEqualTo(Level.ERROR);
  }

  @Test
  void criticalIsErrorUnlessTheOperatorIsAnExpectedOffender() {
    ConsoleLevel level = new ConsoleLevel();
    assertThat(level.of(alert(AlertType.OPERATOR_SLASHED, FAULTY, null))).isEqualTo(Level.ERROR);
    level.expect(FAULTY.toUpperCase().replace("0X", "0x"), FAULTY_ID);
    assertThat(level.of(alert(AlertType.OPERATOR_SLASHED, FAULTY, null))).isEqualTo(Level.WARN);
    assertThat(level.of(alert(AlertType.SLASHING_REQUEST_FULFILLED, null, FAULTY_ID)))
        .as("matched by operatorId")
        .isEqualTo(Level.WARN);
    assertThat(level.of(alert(AlertType.C_STAKE_SLASHED, HONEST, null)))
        .as("a real operator's slashing stays at ERROR")
        .isEqualTo(Level.ERROR);
    assertThat(level.of(alert(AlertType.EQUIVOCATION_SLASHED, null, null))).isEqualTo(Level.ERROR);
    assertThat(level.of(alert(AlertType.CHALLENGE_RAISED, HONEST, null))).isEqualTo(Level.WARN);
    assertThat(level.of(alert(AlertType.SLASHING_REQUEST_VETOED, FAULTY, null)))
        .isEqualTo(Level.INFO);
  }
}
