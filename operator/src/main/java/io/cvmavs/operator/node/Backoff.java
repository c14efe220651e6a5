package io.cvmavs.operator.node;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for reconnecting: attempt {@code n} (1-based) waits a uniform
 * random time in {@code [d/2, d]} where {@code d = min(max, initial × 2^(n-1))} ("equal jitter"),
 * so the nodes of an outage do not all reconnect in the same second. The random source is injected
 * (STYLE 8): tests pass a fixed one.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {
  public Backoff {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + ", " + max);
    }
  }

  /** With {@link Math#random()}. */
  public static Backoff of(Duration initial, Duration max) {
    return new Backoff(initial, max, Math::random);
  }

  /** The wait before attempt {@code attempt} (1 = the first retry). */
  public Duration delay(int attempt) {
    long initialMs = initial.toMillis();
    long cap = max.toMillis();
    int shift = Math.min(Math.max(attempt, 1) - 1, 30);
    long d = initialMs > (cap >> shift) ? cap : Math.min(cap, initialMs << shift);
    long half = d / 2;
    return Duration.ofMillis(half + Math.round((d - half) * random.getAsDouble()));
  }
}
