package io.cvmavs.operator.monitoring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** Ready-made {@link HealthCheck}s. Times are milliseconds from an injected clock. */
public final class HealthChecks {
  private HealthChecks() {}

  /** A check that is always {@code status} (e.g. keys decrypted before the program started). */
  public static HealthCheck constant(ServiceStatus status) {
    return () -> status;
  }

  /** Up while {@code probe} answers (e.g. {@code eth_blockNumber}), Down when it throws. */
  public static HealthCheck answers(LongSupplier probe) {
    return () -> {
      probe.getAsLong();
      return ServiceStatus.UP;
    };
  }

  /**
   * Up while a JSON-RPC server at {@code url} answers a request with JSON over HTTP 200 (any
   * answer, an error for the unknown method {@code rpc_ping} included), else Down.
   */
  public static HealthCheck jsonRpcAnswers(URI url, Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    return () -> {
      HttpRequest request =
          HttpRequest.newBuilder(url)
              .timeout(timeout)
              .header("content-type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"rpc_ping\"}"))
              .build();
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().trim().startsWith("{")
          ? ServiceStatus.UP
          : ServiceStatus.DOWN;
    };
  }

  /** A check that knows why: {@code verdict} gives the state and the reason together. */
  public static HealthCheck withReason(java.util.concurrent.Callable<HealthCheck.Verdict> verdict) {
    return new HealthCheck() {
      @Override
      public ServiceStatus check() throws Exception {
        return verdict().status();
      }

      @Override
      public HealthCheck.Verdict verdict() throws Exception {
        return verdict.call();
      }
    };
  }

  /** Up while {@code condition} holds, else Down. */
  public static HealthCheck when(BooleanSupplier condition) {
    return () -> condition.getAsBoolean() ? ServiceStatus.UP : ServiceStatus.DOWN;
  }

  /**
   * Up while the last event ({@code lastMillis}) is at most {@code maxAge} old; before the first
   * event Initializing for {@code maxAge} after {@code startedMillis}, then Down.
   */
  public static HealthCheck recent(
      Supplier<OptionalLong> lastMillis, long startedMillis, Duration maxAge, LongSupplier millis) {
    long max = maxAge.toMillis();
    return () -> {
      long now = millis.getAsLong();
      OptionalLong last = lastMillis.get();
      if (last.isPresent()) {
        return now - last.getAsLong() <= max ? ServiceStatus.UP : ServiceStatus.DOWN;
      }
      return now - startedMillis <= max ? ServiceStatus.INITIALIZING : ServiceStatus.DOWN;
    };
  }

  /**
   * Runs {@code check} at most once per {@code ttl} and answers from the last result in between, so
   * that frequent health queries do not turn into RPC load.
   */
  public static HealthCheck cached(HealthCheck check, Duration ttl, LongSupplier millis) {
    return new HealthCheck() {
      private long at = Long.MIN_VALUE;
      private HealthCheck.Verdict last;

      @Override
      public ServiceStatus check() {
        return verdict().status();
      }

      @Override
      public synchronized HealthCheck.Verdict verdict() {
        long now = millis.getAsLong();
        if (last == null || now - at >= ttl.toMillis()) {
          last = HealthChecks.verdictOf(check);
          at = now;
        }
        return last;
      }
    };
  }

  /** Runs {@code check}; a throw is Down with the exception's message as the reason. */
  static HealthCheck.Verdict verdictOf(HealthCheck check) {
    try {
      HealthCheck.Verdict v = check.verdict();
      return v == null ? HealthCheck.Verdict.down("the check returned nothing") : v;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthCheck.Verdict.down("interrupted");
    } catch (Exception e) {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return HealthCheck.Verdict.down(
          message.length() > 300 ? message.substring(0, 300) + "…" : message);
    }
  }
}
