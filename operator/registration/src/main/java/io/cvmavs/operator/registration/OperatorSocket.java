package io.cvmavs.operator.registration;

import io.cvmavs.common.net.HostPort;
import java.util.regex.Pattern;

/**
 * The socket an operator publishes in {@code CvmRegistry}: {@code host:port} where host is a DNS
 * name, an IPv4 address or a bracketed IPv6 address and port is 1..65535.
 */
public record OperatorSocket(String host, int port) {
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
              + "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static OperatorSocket parse(String value) {
    String v = value == null ? "" : value.trim();
    HostPort parsed = HostPort.parse(v, 1, "HOST:PORT");
    String host = parsed.host();
    int port = parsed.port();
    var ipv4 = IPV4.matcher(host);
    if (ipv4.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(ipv4.group(i)) > 255) {
          throw new IllegalArgumentException("not an IPv4 address: '" + host + "'");
        }
      }
    } else if (!IPV6.matcher(host).matches() && !DNS_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "host must be a DNS name, an IPv4 address or [IPv6], got '" + host + "'");
    }
    return new OperatorSocket(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
