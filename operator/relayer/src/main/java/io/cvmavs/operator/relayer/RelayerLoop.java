package io.cvmavs.operator.relayer;

import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps a {@link Relayer} until interrupted: after a good step it waits {@code poll}; after a
 * failing one (CVM RPC or Ethereum RPC down, a refused certificate, a contract refusal) it waits
 * with the project's one retry policy ({@link Backoff}, exponential with equal jitter), and the
 * next step starts again from the contract's state. The sleeper is injected (STYLE 8).
 */
public final class RelayerLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RelayerLoop.class);
  private final Relayer relayer;
  private final Duration poll;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final Consumer<RuntimeException> onError;

  public RelayerLoop(
      Relayer relayer,
      Duration poll,
      Backoff backoff,
      Sleeper sleeper,
      Consumer<RuntimeException> onError) {
    this.relayer = relayer;
    this.poll = poll;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.onError = onError;
  }

  @Override
  public void run() {
    int failures = 0;
    while (!Thread.currentThread().isInterrupted()) {
      Duration wait;
      try {
        relayer.step();
        failures = 0;
        wait = poll;
      } catch (RuntimeException e) {
        failures++;
        wait = backoff.delay(failures);
        LOG.warn(
            "relayer step failed (attempt {}; next in {}): {}", failures, wait, e.getMessage());
        onError.accept(e);
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
