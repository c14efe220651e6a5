package io.cvmavs.common.retry;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * The one retry/backoff policy of the project: attempt {@code n} (1 = the first retry) waits {@code
 * d = min(max, initial × 2^(n-1))}, or with jitter a uniform random time in {@code [d/2, d]}
 * ("equal jitter", so the nodes of an outage do not all reconnect in the same second). Delays have
 * millisecond resolution and never overflow. The random source is injected and the wait itself is
 * done by a {@link Sleeper} or a scheduler of the caller (STYLE 8), so tests are deterministic.
 *
 * @param random a value in {@code [0, 1]} per delay; {@code () -> 1.0} means no jitter
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {
  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 <= initial <= max, got " + initial + ", " + max);
    }
  }

  /** Without jitter: exactly {@code min(max, initial × 2^(n-1))}. A zero initial never waits. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, () -> 1.0);
  }

  /**
   * With equal jitter from {@link Math#random()}, for reconnect loops; a zero initial delay (a hot
   * loop) is refused.
   */
  public static Backoff of(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, got " + initial + ", " + max);
    }
    return new Backoff(initial, max, Math::random);
  }

  /** The wait before attempt {@code attempt} (1 = the first retry; smaller values count as 1). */
  public Duration delay(int attempt) {
    long initialMs = initial.toMillis();
    long cap = max.toMillis();
    int shift = Math.min(Math.max(attempt, 1) - 1, 30);
    long d = initialMs > (cap >> shift) ? cap : Math.min(cap, initialMs << shift);
    long half = d / 2;
    return Duration.ofMillis(half + Math.round((d - half) * random.getAsDouble()));
  }
}
