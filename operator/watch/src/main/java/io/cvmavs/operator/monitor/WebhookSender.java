package io.cvmavs.operator.monitor;

import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs an alert as JSON to one webhook with bounded retries. Headers: {@code Content-Type:
 * application/json}, {@code Idempotency-Key: <alert id>}, {@code X-Cvm-Avs-Alert-Type}. A 2xx
 * answer is success; 408, 429, 5xx and connection failures are retried after {@code initialBackoff
 * × 2^(attempt-1)} (capped at {@code maxBackoff}) up to {@code maxAttempts} attempts; any other
 * status is a permanent refusal ({@link Backoff#exponential}). The sleep is injected so tests need
 * no waiting.
 */
public final class WebhookSender {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

  /** Retry policy. */
  public record Policy(
      int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration timeout) {
    public static final Policy DEFAULT =
        new Policy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(10));

    Duration backoff(int attempt) {
      return Backoff.exponential(initialBackoff, maxBackoff).delay(attempt);
    }
  }

  /** How one delivery ended. */
  public enum Outcome {
    /** A 2xx answer. */
    DELIVERED,
    /** Refused with a status that retrying will not change (4xx other than 408/429). */
    REJECTED,
    /** Every attempt failed with a retryable error; the monitor tries again at its next poll. */
    FAILED
  }

  private final HttpClient http;
  private final Policy policy;
  private final Sleeper sleeper;

  public WebhookSender(HttpClient http, Policy policy, Sleeper sleeper) {
    this.http = http;
    this.policy = policy;
    this.sleeper = sleeper;
  }

  public static WebhookSender create(Policy policy) {
    return new WebhookSender(
        HttpClient.newBuilder().connectTimeout(policy.timeout()).build(),
        policy,
        Sleeper.threadSleep());
  }

  /**
   * The webhook as logs show it: scheme and host only (Slack, Discord and PagerDuty URLs carry
   * their secret in the path).
   */
  static String redacted(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme()
          + "://"
          + u.getHost()
          + (u.getPort() > 0 ? ":" + u.getPort() : "")
          + "/…";
    } catch (IllegalArgumentException e) {
      return "<webhook>";
    }
  }

  public Outcome deliver(String url, Alert alert) throws InterruptedException {
    String shown = redacted(url);
    String body = alert.toJson().encode();
    for (int attempt = 1; ; attempt++) {
      String problem;
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(policy.timeout())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", alert.id())
                    .header("X-Cvm-Avs-Alert-Type", alert.type().json())
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status / 100 == 2) {
          LOG.info("alert {} delivered to {} (attempt {})", alert.id(), shown, attempt);
          return Outcome.DELIVERED;
        }
        if (status != 408 && status != 429 && status < 500) {
          LOG.error(
              "webhook {} refused alert {} with HTTP {}: {}", shown, alert.id(), status, r.body());
          return Outcome.REJECTED;
        }
        problem = "HTTP " + status;
      } catch (IOException e) {
        problem = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (attempt >= policy.maxAttempts()) {
        LOG.warn(
            "webhook {}: alert {} not delivered after {} attempts ({}); kept for the next poll",
            shown,
            alert.id(),
            attempt,
            problem);
        return Outcome.FAILED;
      }
      Duration wait = policy.backoff(attempt);
      LOG.warn(
          "webhook {}: attempt {} for alert {} failed ({}); retrying in {} ms",
          shown,
          attempt,
          alert.id(),
          problem,
          wait.toMillis());
      sleeper.sleep(wait);
    }
  }
}
