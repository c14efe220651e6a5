package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayerStateTest {
  @TempDir Path dir;

  private static final String CONTRACT = "0x00000000000000000000000000000000000000c1";

  @Test
  void aMissingFileIsTheInitialState() {
    RelayerState s = RelayerState.load(dir, CONTRACT);
    assertThat(s.scannedHeight()).isZero();
    assertThat(s.lastWithdrawalsRoot()).isEmpty();
  }

  @Test
  void savedProgressIsReadBackAndNoTempFileIsLeft() throws Exception {
    byte[] root = new byte[32];
    root[0] = 7;
    RelayerState.initial(CONTRACT)
        .accepted(12, root, 180_000)
        .lostRace(13, root)
        .scanned(15)
        .save(dir);
    RelayerState s = RelayerState.load(dir, CONTRACT);
    assertThat(s.scannedHeight()).isEqualTo(15);
    assertThat(s.lastSubmittedHeight()).isEqualTo(12);
    assertThat(s.submitted()).isEqualTo(1);
    assertThat(s.lostRaces()).isEqualTo(1);
    assertThat(s.lastGas()).isEqualTo(180_000);
    assertThat(s.lastWithdrawalsRoot()).get().isEqualTo(root);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(RelayerState.FILE);
    }
  }

  @Test
  void progressOfAnotherContractIsRefused() {
    RelayerState.initial(CONTRACT).save(dir);
    assertThatThrownBy(() -> RelayerState.load(dir, "0x00000000000000000000000000000000000000c2"))
        .isInstanceOf(RelayerException.class)
        .hasMessageContaining("is the progress of CvmCheckpoints " + CONTRACT)
        .hasMessageContaining("use another data directory");
  }

  @Test
  void aCorruptFileIsRefusedNamingIt() throws Exception {
    Files.writeString(dir.resolve(RelayerState.FILE), "{\"contract\": 5}", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> RelayerState.load(dir, CONTRACT))
        .isInstanceOf(RelayerException.class)
        .hasMessageContaining(RelayerState.FILE + " is not a relayer state file: field 'contract'");
  }

  /**
   * The relayer is interrupted at shutdown while it may be saving: the write used to fail with
   * "cannot write relayer-state.json: null" (ClosedByInterruptException). The save must complete
   * and the thread must still see its interrupt.
   */
  @Test
  void aSaveOnAnInterruptedThreadCompletesAndKeepsTheInterrupt() throws Exception {
    byte[] root = new byte[32];
    root[31] = 9;
    RelayerState saved = RelayerState.initial(CONTRACT).accepted(21, root, 123_456).scanned(30);
    Thread.currentThread().interrupt();
    try {
      saved.save(dir);
      assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is restored").isTrue();
    } finally {
      Thread.interrupted();
    }
    RelayerState s = RelayerState.load(dir, CONTRACT);
    assertThat(s.scannedHeight()).isEqualTo(30);
    assertThat(s.lastSubmittedHeight()).isEqualTo(21);
    assertThat(s.lastGas()).isEqualTo(123_456);
    assertThat(s.lastWithdrawalsRoot()).get().isEqualTo(root);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly(RelayerState.FILE);
    }
  }
}
