package io.cvmavs.consensus.light;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} syntax: {@code 1400s}, {@code 336h0m0s}, {@code 1.5h}, {@code
 * 10ms}, {@code 0}.
 */
public final class GoDuration {
  private static final Pattern PART =
      Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {}

  /**
   * @throws IllegalArgumentException not a Go duration
   */
  public static Duration parse(String text) {
    String s = text.trim();
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("duration '" + text + "' is empty");
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "duration '" + text + "' is not a Go duration (e.g. 1400s, 336h0m0s, 10s)");
      }
      BigDecimal unit =
          switch (m.group(2)) {
            case "ns" -> BigDecimal.ONE;
            case "us", "µs", "μs" -> BigDecimal.valueOf(1_000L);
            case "ms" -> BigDecimal.valueOf(1_000_000L);
            case "s" -> BigDecimal.valueOf(1_000_000_000L);
            case "m" -> BigDecimal.valueOf(60_000_000_000L);
            default -> BigDecimal.valueOf(3_600_000_000_000L);
          };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
      at = m.end();
    }
    Duration d;
    try {
      d = Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration '" + text + "' is out of range", e);
    }
    return negative ? d.negated() : d;
  }

  /**
   * Go's notation for {@code d} ({@code 336h0m0s}, {@code 23m20s}, {@code 10s}, {@code 0.5s});
   * parse() reads it back.
   */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    StringBuilder b = new StringBuilder();
    long hours = d.toHours();
    if (hours > 0) {
      b.append(hours).append('h').append(d.toMinutesPart()).append('m');
    } else if (d.toMinutesPart() > 0) {
      b.append(d.toMinutesPart()).append('m');
    }
    b.append(d.toSecondsPart());
    if (d.toNanosPart() > 0) {
      b.append('.').append(String.format("%09d", d.toNanosPart()).replaceAll("0+$", ""));
    }
    return b.append('s').toString();
  }
}
