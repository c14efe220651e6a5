package io.cvmavs.operator.devnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.operator.LockProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only the latest devnet run's folder is kept; folders of running devnets are never touched. */
class RunFolderTest {
  @TempDir Path devnet;

  @Test
  void aSecondRunOfTheSameNameStartsFromAnEmptyFolder() throws Exception {
    try (RunFolder first = RunFolder.claim(devnet, "8545")) {
      Files.writeString(first.path().resolve("ecdsa.json"), "{}");
    }
    try (RunFolder second = RunFolder.claim(devnet, "8545")) {
      assertThat(second.path()).isEqualTo(devnet.resolve("run-8545"));
      assertThat(second.path().resolve("ecdsa.json")).doesNotExist();
    }
  }

  @Test
  void removesFinishedRunsAndKeepsRunningOnes() throws Exception {
    Path legacyLog = Files.writeString(devnet.resolve("anvil-5bf4d1cd.log"), "old layout");
    Path old = Files.createDirectories(devnet.resolve("run-9000/operator-1"));
    Files.writeString(old.resolve("bls.json"), "{}");
    try (RunFolder finished = RunFolder.claim(devnet, "9001")) {
      assertThat(finished.removed())
          .as("a run of an older version, without a lock file")
          .containsExactly(devnet.resolve("run-9000"));
      Files.writeString(finished.path().resolve("anvil.log"), "x");
    }
    assertThat(legacyLog).doesNotExist();
    Path unrelated = Files.createDirectories(devnet.resolve("keep-me"));
    try (RunFolder running = RunFolder.claim(devnet, "9002");
        RunFolder latest = RunFolder.claim(devnet, "9003")) {
      assertThat(latest.removed()).isEmpty();
      assertThat(running.removed()).containsExactly(devnet.resolve("run-9001"));
      assertThat(running.path()).as("still running, not removed by the later run").exists();
      assertThat(unrelated).exists();
      assertThatThrownBy(() -> RunFolder.claim(devnet, "9002"))
          .isInstanceOf(DevnetException.class)
          .hasMessageContaining("run-9002")
          .hasMessageContaining("still running");
    }
    try (RunFolder next = RunFolder.claim(devnet, "9004")) {
      assertThat(next.removed())
          .containsExactlyInAnyOrder(devnet.resolve("run-9002"), devnet.resolve("run-9003"));
    }
  }

  @Test
  void aRunningDevnetOfThisProcessKeepsItsLock() throws Exception {
    try (RunFolder running = RunFolder.claim(devnet, "9100")) {
      Path lock = running.path().resolve(".lock");
      assertThat(LockProbe.fromAnotherProcess(lock)).isEqualTo("held");
      // A later run in this JVM probes run-9100, and a second claim of it is refused. Before,
      // both opened and closed a second descriptor of .lock, and Linux dropped the running
      // devnet's lock with it (the next run in another process would have deleted its folder).
      try (RunFolder later = RunFolder.claim(devnet, "9101")) {
        assertThat(later.removed()).isEmpty();
      }
      assertThatThrownBy(() -> RunFolder.claim(devnet, "9100"))
          .isInstanceOf(DevnetException.class)
          .hasMessageContaining("run-9100")
          .hasMessageContaining("still running");
      assertThat(LockProbe.fromAnotherProcess(lock)).as("still locked").isEqualTo("held");
    }
    try (RunFolder next = RunFolder.claim(devnet, "9102")) {
      assertThat(next.removed())
          .containsExactlyInAnyOrder(devnet.resolve("run-9100"), devnet.resolve("run-9101"));
    }
  }
}
