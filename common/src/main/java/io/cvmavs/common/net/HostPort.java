package io.cvmavs.common.net;

import java.util.Objects;

/**
 * An address {@code host:port}: a server's listen address (node API, metrics, dashboard,
 * aggregator), an operator socket, a Flink cluster. The one parser of that syntax in the project.
 * The host is kept as written (a DNS name, an IPv4 address or a bracketed IPv6 address); callers
 * that need more (e.g. the operator socket's host rules) check it themselves.
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
  }

  /**
   * Parses {@code host:port} with a port in 0..65535 (0: any free port).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static HostPort parse(String value) {
    return parse(value, 0, "host:port");
  }

  /**
   * Parses {@code host:port}: the port follows the last colon (so {@code [::1]:80} works), is
   * decimal digits only and lies in {@code minPort}..65535.
   *
   * @param form how the expected syntax is named in the error message, e.g. {@code HOST:PORT}
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static HostPort parse(String value, int minPort, String form) {
    String v = value == null ? "" : value;
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new IllegalArgumentException("expected " + form + ", got '" + v + "'");
    }
    String portText = v.substring(colon + 1);
    if (portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port is not a number in '" + v + "'");
    }
    int port = Integer.parseInt(portText);
    if (port < minPort || port > 65_535) {
      throw new IllegalArgumentException("port must be " + minPort + "..65535 in '" + v + "'");
    }
    return new HostPort(v.substring(0, colon), port);
  }

  /** True for 127.0.0.0/8, ::1 and localhost: reachable from this machine only. */
  public boolean isLoopback() {
    return host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]");
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
