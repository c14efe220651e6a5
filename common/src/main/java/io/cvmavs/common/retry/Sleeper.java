package io.cvmavs.common.retry;

import java.time.Duration;

/**
 * Pauses the calling thread between attempts. Production code passes {@link #threadSleep()}; tests
 * pass one that records the pauses and returns at once.
 */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration d) throws InterruptedException;

  /** {@link Thread#sleep(Duration)}. */
  static Sleeper threadSleep() {
    return Thread::sleep;
  }
}
