package io.cvmavs.cvm.http;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code perMinute} requests, refilled continuously, with a burst of the
 * same size. Time is injected ({@code nanoTime}), so tests decide when tokens come back. Clients
 * idle for a full refill are forgotten, so the map stays bounded by the clients of the last minute.
 * Synchronized: cheap, and the HTTP server may run on several event loops.
 */
final class RateLimiter {
  private static final long MINUTE = 60_000_000_000L;

  private final int perMinute;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new HashMap<>();

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }

  RateLimiter(int perMinute, LongSupplier nanoTime) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("the rate limit must be at least 1 request per minute");
    }
    this.perMinute = perMinute;
    this.nanoTime = nanoTime;
  }

  /** Takes a token for {@code client}: 0 when allowed, else the seconds until the next token. */
  synchronized long acquire(String client) {
    long now = nanoTime.getAsLong();
    if (buckets.size() > 10_000) {
      buckets.values().removeIf(b -> now - b.last >= MINUTE);
    }
    Bucket b = buckets.computeIfAbsent(client, c -> new Bucket(perMinute, now));
    b.tokens = Math.min(perMinute, b.tokens + (now - b.last) * perMinute / (double) MINUTE);
    b.last = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - b.tokens) * 60.0 / perMinute);
  }
}
