package io.cvmavs.operator.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperatorSocketTest {
  @Test
  void acceptsNamesIpv4AndBracketedIpv6() {
    assertThat(OperatorSocket.parse("op1.example.org:9443")).hasToString("op1.example.org:9443");
    assertThat(OperatorSocket.parse(" 10.0.0.7:1 ").port()).isEqualTo(1);
    assertThat(OperatorSocket.parse("[2001:db8::1]:65535").host()).isEqualTo("[2001:db8::1]");
    assertThat(OperatorSocket.parse("localhost:8080").host()).isEqualTo("localhost");
  }

  @Test
  void refusesWhatNoPeerCouldDial() {
    assertThatThrownBy(() -> OperatorSocket.parse("nohost")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> OperatorSocket.parse(":80")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> OperatorSocket.parse("h:")).hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> OperatorSocket.parse("h:0")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> OperatorSocket.parse("h:70000")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> OperatorSocket.parse("h:-1")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> OperatorSocket.parse("bad host:1")).hasMessageContaining("DNS name");
    assertThatThrownBy(() -> OperatorSocket.parse("300.1.1.1:1")).hasMessageContaining("IPv4");
    assertThatThrownBy(() -> OperatorSocket.parse("-x.org:1")).hasMessageContaining("DNS name");
    assertThatThrownBy(() -> OperatorSocket.parse("2001:db8::1:80"))
        .hasMessageContaining("DNS name");
  }
}
