package io.cvmavs.operator.config;

/** A listen address {@code host:port} for a server of the node (node API, metrics). */
public record HostPort(String host, int port) {
  /**
   * Parses {@code host:port} (port 0..65535).
   *
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static HostPort parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected host:port, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + value + "'");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535 in '" + value + "'");
    }
    return new HostPort(host, port);
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
