package io.cvmavs.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostPortTest {
  @Test
  void parsesHostsAndThePortAfterTheLastColon() {
    assertThat(HostPort.parse("127.0.0.1:9010")).isEqualTo(new HostPort("127.0.0.1", 9010));
    assertThat(HostPort.parse("localhost:0").port()).isZero();
    assertThat(HostPort.parse("[2001:db8::1]:65535"))
        .isEqualTo(new HostPort("[2001:db8::1]", 65535));
    assertThat(HostPort.parse("op.example.org:443")).hasToString("op.example.org:443");
  }

  @Test
  void refusesWhatIsNotHostColonPortAndSaysWhy() {
    assertThatThrownBy(() -> HostPort.parse("nohost"))
        .hasMessage("expected host:port, got 'nohost'");
    assertThatThrownBy(() -> HostPort.parse(":80")).hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> HostPort.parse("h:")).hasMessageContaining("expected host:port");
    assertThatThrownBy(() -> HostPort.parse(null)).hasMessage("expected host:port, got ''");
    assertThatThrownBy(() -> HostPort.parse("h:http"))
        .hasMessage("port is not a number in 'h:http'");
    assertThatThrownBy(() -> HostPort.parse("h:-1")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("h:+80")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("h:123456")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> HostPort.parse("h:65536"))
        .hasMessage("port must be 0..65535 in 'h:65536'");
  }

  @Test
  void aLowerPortBoundAndTheFormNameAreTheCallersChoice() {
    assertThat(HostPort.parse("h:1", 1, "HOST:PORT").port()).isEqualTo(1);
    assertThatThrownBy(() -> HostPort.parse("h:0", 1, "HOST:PORT"))
        .hasMessage("port must be 1..65535 in 'h:0'");
    assertThatThrownBy(() -> HostPort.parse("h", 1, "HOST:PORT"))
        .hasMessage("expected HOST:PORT, got 'h'");
  }

  @Test
  void loopbackHosts() {
    assertThat(HostPort.parse("127.0.0.2:1").isLoopback()).isTrue();
    assertThat(HostPort.parse("localhost:1").isLoopback()).isTrue();
    assertThat(HostPort.parse("[::1]:1").isLoopback()).isTrue();
    assertThat(HostPort.parse("0.0.0.0:1").isLoopback()).isFalse();
  }
}
