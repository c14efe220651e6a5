package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CvmOptionsTest {
  private static CvmOptions flink(String value) {
    CvmOptions options = new CvmOptions();
    options.flink = value;
    return options;
  }

  @Test
  void aBadFlinkAddressNamesTheOptionAndTheProblem() {
    assertThatThrownBy(() -> flink("jobmanager").runtime())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--flink: expected HOST:PORT, got 'jobmanager'");
    assertThatThrownBy(() -> flink("jobmanager:rest").runtime())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--flink: port is not a number in 'jobmanager:rest'");
    assertThatThrownBy(() -> flink("jobmanager:0").runtime())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--flink: port must be 1..65535 in 'jobmanager:0'");
  }
}
