package io.cvmavs.cvm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private final List<Duration> pauses = new ArrayList<>();
  private final List<String> reports = new ArrayList<>();
  private final Retry retry =
      new Retry(5, Duration.ofMillis(100), Duration.ofMillis(300), pauses::add, reports::add);

  @Test
  void retriesWithDoublingCappedBackoffThenSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        retry.run(
            "eth_call",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new IOException("connection refused");
              }
              return "ok";
            });
    assertThat(result).isEqualTo("ok");
    assertThat(pauses)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300));
    assertThat(reports.get(0))
        .isEqualTo("eth_call failed (attempt 1/5): connection refused; retrying in 100 ms");
  }

  @Test
  void givesUpWithTheLastErrorAfterAllAttempts() {
    assertThatThrownBy(
            () ->
                retry.run(
                    "eth_blockNumber",
                    () -> {
                      throw new IOException("timeout");
                    }))
        .isInstanceOf(IngestException.class)
        .hasMessage("eth_blockNumber failed after 5 attempts: timeout");
    assertThat(pauses).hasSize(4);
  }

  @Test
  void ingestRefusalsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry.run(
                    "x",
                    () -> {
                      calls.incrementAndGet();
                      throw new IngestException("reorg");
                    }))
        .hasMessage("reorg");
    assertThat(calls).hasValue(1);
  }
}
