package io.cvmavs.cvm.ingest;

import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Retries an I/O call with exponential backoff ({@code initial}, doubling, capped at {@code max}:
 * {@link Backoff#exponential}). The sleeper is injected so tests do not wait; each failed attempt
 * is reported before the pause.
 */
public record Retry(
    int attempts, Duration initial, Duration max, Sleeper sleeper, Consumer<String> report) {
  @FunctionalInterface
  public interface Call<T> {
    T call() throws IOException;
  }

  public Retry {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    Backoff.exponential(initial, max); // refuses a negative initial or a cap below it
  }

  /** 6 attempts, 200 ms doubling up to 5 s, reporting to standard error. */
  public static Retry defaults() {
    return new Retry(
        6,
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        Sleeper.threadSleep(),
        msg -> System.err.println(msg));
  }

  public <T> T run(String what, Call<T> call) {
    Backoff backoff = Backoff.exponential(initial, max);
    IOException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        return call.call();
      } catch (IOException | RuntimeException e) {
        Duration pause = backoff.delay(attempt);
        if (e instanceof IngestException ie) {
          throw ie;
        }
        last = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        if (attempt == attempts) {
          break;
        }
        report.accept(
            what
                + " failed (attempt "
                + attempt
                + "/"
                + attempts
                + "): "
                + e.getMessage()
                + "; retrying in "
                + pause.toMillis()
                + " ms");
        try {
          sleeper.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IngestException(what + " interrupted while waiting to retry", ie);
        }
      }
    }
    throw new IngestException(
        what + " failed after " + attempts + " attempts: " + last.getMessage(), last);
  }
}
