package io.cvmavs.common.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process side of {@link ProcessFileLock}. The cross-process side (another JVM sees the lock
 * held, and sees it still held after a refused second acquire here) is checked from a child JVM by
 * the operator's {@code DataDirectoryLockTest}.
 */
class ProcessFileLockTest {
  @TempDir Path dir;

  @Test
  void aSecondHolderInThisProcessIsRefusedNamingTheFileAndThisPid() throws Exception {
    Path file = dir.resolve("x.lock");
    try (ProcessFileLock lock =
        ProcessFileLock.acquire(
            file, ProcessFileLock.Option.CREATE, ProcessFileLock.Option.RECORD_PID)) {
      assertThat(Files.readString(file).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
      // Another spelling of the same file is the same lock.
      Path same = dir.resolve(".").resolve("x.lock");
      assertThatThrownBy(() -> ProcessFileLock.acquire(same, ProcessFileLock.Option.CREATE))
          .isInstanceOfSatisfying(
              ProcessFileLock.Held.class,
              h -> {
                assertThat(h.byThisProcess()).isTrue();
                assertThat(h.holderPid()).contains(Long.toString(ProcessHandle.current().pid()));
              })
          .hasMessageContaining(file.toAbsolutePath().toString())
          .hasMessageContaining("this process (PID " + ProcessHandle.current().pid() + ")");
      // The refused attempt did not drop the holder's lock: its channel is still usable and valid.
      assertThat(lock.channel().isOpen()).isTrue();
    }
    try (ProcessFileLock again = ProcessFileLock.acquire(file)) {
      assertThat(again.file()).isEqualTo(file);
    }
  }

  @Test
  void aMissingFileWithoutCreateIsNoSuchFileAndLeavesNothingRegistered() throws Exception {
    Path file = dir.resolve("missing.lock");
    assertThatThrownBy(() -> ProcessFileLock.acquire(file)).isInstanceOf(NoSuchFileException.class);
    // The failed attempt must not leave the path registered as held.
    try (ProcessFileLock lock = ProcessFileLock.acquire(file, ProcessFileLock.Option.CREATE)) {
      assertThat(Files.exists(file)).isTrue();
    }
  }

  @Test
  void theHolderReadsAndWritesThroughItsOneChannelAndCloseTwiceIsHarmless() throws Exception {
    Path file = Files.writeString(dir.resolve("journal"), "line one\n");
    ProcessFileLock lock = ProcessFileLock.acquire(file);
    ByteBuffer buffer = ByteBuffer.allocate(64);
    lock.channel().read(buffer, 0);
    assertThat(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8))
        .isEqualTo("line one\n");
    lock.close();
    try (ProcessFileLock second = ProcessFileLock.acquire(file)) {
      lock.close(); // must not release the second holder's registration
      assertThatThrownBy(() -> ProcessFileLock.acquire(file))
          .isInstanceOf(ProcessFileLock.Held.class);
    }
    assertThat(Files.readString(file)).isEqualTo("line one\n");
  }
}
