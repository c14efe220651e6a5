package io.cvmavs.storage.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.common.retry.Backoff;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.backend.LocalDiskBackend;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.BlockGroupTest;
import io.cvmavs.storage.group.PreviousLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox with two real disk backends, one of which cannot write (its folder is a plain file, a
 * real I/O failure): the other proceeds, the failed one is retried after the backoff and succeeds
 * once the fault is gone — also from a new outbox on the same folder (a restart).
 */
class OutboxTest {
  @TempDir Path dir;

  @Test
  void aBackendThatIsDownIsRetriedWithBackoffWhileOthersProceed() throws Exception {
    Path broken = dir.resolve("broken");
    Files.writeString(broken, "not a folder");
    BlockGroupTest.MutableClock clock = new BlockGroupTest.MutableClock();
    Backoff backoff = Backoff.exponential(Duration.ofSeconds(10), Duration.ofMinutes(5));
    List<StorageBackend> backends =
        List.of(
            new LocalDiskBackend("local", dir.resolve("good")),
            new LocalDiskBackend("mirror", broken.resolve("sub")));
    Outbox outbox = new Outbox(dir.resolve("outbox"), backends, backoff, clock);
    BlockGroup g = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, TestBlocks.chain(2, 10, 3), List.of());
    String hash = outbox.enqueue(g);
    assertThat(outbox.enqueue(g)).isEqualTo(hash);
    // content-addressed locators are known before any upload: the next group's header can name them
    assertThat(outbox.locators(hash))
        .containsExactly(
            new PreviousLocator("local", g.fileHashHex()),
            new PreviousLocator("mirror", g.fileHashHex()));

    Outbox.Run first = outbox.runOnce();
    assertThat(first.stored())
        .singleElement()
        .satisfies(r -> assertThat(r.backend()).isEqualTo("local"));
    assertThat(first.failures()).singleElement().asString().startsWith("mirror");
    assertThat(outbox.state(hash).at("/backends/mirror/attempts").asInt()).isEqualTo(1);
    assertThat(outbox.state(hash).at("/backends/mirror/nextAttemptMs").asLong())
        .isEqualTo(clock.millis() + 10_000);

    Outbox.Run early = outbox.runOnce(); // not due yet: nothing tried
    assertThat(early.stored()).isEmpty();
    assertThat(early.failures()).isEmpty();
    assertThat(early.stillPending()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(10));
    assertThat(outbox.runOnce().failures()).hasSize(1);
    assertThat(outbox.state(hash).at("/backends/mirror/nextAttemptMs").asLong())
        .isEqualTo(clock.millis() + 20_000); // doubled

    Files.delete(broken); // the fault is repaired; the process restarts
    clock.advance(Duration.ofSeconds(20));
    Outbox restarted = new Outbox(dir.resolve("outbox"), backends, backoff, clock);
    Outbox.Run last = restarted.runOnce();
    assertThat(last.stored())
        .singleElement()
        .satisfies(r -> assertThat(r.backend()).isEqualTo("mirror"));
    assertThat(last.stillPending()).isZero();
    assertThat(restarted.receipts(hash)).containsOnlyKeys("local", "mirror");
    assertThat(restarted.receipts(hash).get("mirror").hash()).isEqualTo(g.fileHashHex());
  }
}
