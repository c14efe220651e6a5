package io.cvmavs.operator.node;

import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * One connection's outages, logged as one line when an outage starts and one when it ends (with its
 * duration and the number of failed attempts); the failures in between go to DEBUG. Expected
 * connection errors are described in a few words, never with a stack trace. Thread-safe.
 */
final class Outage {
  private final Logger log;
  private final String node;
  private final String what;
  private final LongSupplier millis;
  private long since = -1;
  private int failures;

  /**
   * @param what the connection, as the log lines name it (e.g. {@code "Ethereum RPC (http://…)"})
   */
  Outage(Logger log, String node, String what, LongSupplier millis) {
    this.log = log;
    this.node = node;
    this.what = what;
    this.millis = millis;
  }

  /** A failed attempt; returns true when it starts an outage (the one WARN line was logged). */
  synchronized boolean failed(Throwable cause) {
    failures++;
    if (since >= 0) {
      log.debug("[{}] {} still unreachable: {}", node, what, describe(cause));
      return false;
    }
    since = millis.getAsLong();
    log.warn(
        "[{}] {} unreachable ({}); retrying with backoff, quietly until it is back",
        node,
        what,
        describe(cause));
    return true;
  }

  /** A successful attempt: ends the outage, if there was one, with its INFO line. */
  synchronized void recovered() {
    if (since < 0) {
      return;
    }
    long ms = millis.getAsLong() - since;
    log.info(
        "[{}] {} back after {} s ({} failed attempt{})",
        node,
        what,
        String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0),
        failures,
        failures == 1 ? "" : "s");
    since = -1;
    failures = 0;
  }

  synchronized boolean ongoing() {
    return since >= 0;
  }

  /** The innermost cause's type and message, e.g. {@code ConnectException: Connection refused}. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String type = root.getClass().getSimpleName();
    if (message == null || message.isBlank()) {
      return type;
    }
    message = message.length() > 200 ? message.substring(0, 200) + "…" : message;
    return type + ": " + message;
  }
}
