package io.cvmavs.operator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WebhookPolicyTest {
  @Test
  void theDefaultPolicyDoublesFromHalfASecondUpToEightSeconds() {
    assertThat(IntStream.rangeClosed(1, 6).mapToObj(WebhookSender.Policy.DEFAULT::backoff))
        .extracting(Duration::toMillis)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 8000L);
  }

  @Test
  void aZeroInitialBackoffRetriesAtOnce() {
    WebhookSender.Policy policy =
        new WebhookSender.Policy(3, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1));
    assertThat(policy.backoff(1)).isZero();
    assertThat(policy.backoff(2)).isZero();
  }
}
