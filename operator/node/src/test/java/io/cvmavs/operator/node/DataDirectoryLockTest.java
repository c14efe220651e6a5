package io.cvmavs.operator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.operator.LockProbe;
import io.cvmavs.operator.signer.FileSlashingProtectionStore;
import io.cvmavs.operator.signer.SlashingProtectionException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's lock across two real OS processes: a child JVM ({@link Holder}) takes the
 * lock and keeps it until its stdin closes; this JVM must be refused meanwhile, with the directory
 * and the child's PID in the message, and succeed once the child is gone. A {@code FileLock} within
 * one JVM would throw {@code OverlappingFileLockException} whatever the OS does, so only a second
 * process shows whether the kernel really holds the lock.
 */
class DataDirectoryLockTest {
  @TempDir Path dir;

  @Test
  void aSecondProcessIsRefusedWithTheDirectoryAndTheHoldersPid() throws Exception {
    Path data = dir.resolve("data");
    Process holder = startHolder("node", data);
    try {
      assertThat(Files.readString(data.resolve(DataDirectoryLock.FILE_NAME)).trim())
          .isEqualTo(Long.toString(holder.pid()));
      assertThatThrownBy(() -> DataDirectoryLock.acquire(data))
          .isInstanceOf(NodeException.DataDirectoryInUse.class)
          .hasMessageContaining("data directory " + data.toAbsolutePath() + " is in use")
          .hasMessageContaining("PID " + holder.pid());
    } finally {
      stop(holder);
    }
    // The holder is gone (the kernel dropped its lock): this process may take it now.
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(data)) {
      assertThat(Files.readString(lock.file()).trim())
          .isEqualTo(Long.toString(ProcessHandle.current().pid()));
    }
  }

  @Test
  void aSecondHolderInThisProcessIsRefusedAndTheLockStaysHeld() throws Exception {
    Path data = dir.resolve("in-process");
    try (DataDirectoryLock lock = DataDirectoryLock.acquire(data)) {
      assertThat(LockProbe.fromAnotherProcess(lock.file())).isEqualTo("held");
      for (Path same : List.of(data, dir.resolve("in-process/../in-process"))) {
        assertThatThrownBy(() -> DataDirectoryLock.acquire(same))
            .isInstanceOf(NodeException.DataDirectoryInUse.class)
            .hasMessageContaining("is in use by another node")
            .hasMessageContaining("PID " + ProcessHandle.current().pid());
      }
      // Before: the refused attempt opened and closed a second descriptor, and Linux dropped the
      // POSIX lock of the first holder with it.
      assertThat(LockProbe.fromAnotherProcess(lock.file()))
          .as("still locked after the refused second acquire")
          .isEqualTo("held");
      lock.close();
      lock.close(); // a second close is harmless
    }
    assertThat(LockProbe.fromAnotherProcess(data.resolve(DataDirectoryLock.FILE_NAME)))
        .isEqualTo("free");
    try (DataDirectoryLock again = DataDirectoryLock.acquire(data)) {
      assertThat(LockProbe.fromAnotherProcess(again.file())).isEqualTo("held");
    }
  }

  @Test
  void theSlashingProtectionJournalStaysLockedAfterItWasRead() throws Exception {
    Path data = dir.resolve("journal");
    Process holder = startHolder("journal", data);
    try {
      // The child opened (and so read) its journal; its lock must still be held.
      assertThatThrownBy(() -> FileSlashingProtectionStore.open(data))
          .isInstanceOf(SlashingProtectionException.class)
          .hasMessageContaining("locked by another process");
    } finally {
      stop(holder);
    }
    FileSlashingProtectionStore.open(data).close();
  }

  private static Process startHolder(String what, Path data) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    Holder.class.getName(),
                    what,
                    data.toString()))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    assertThat(out.readLine()).as("the holder's first line").isEqualTo("held");
    return p;
  }

  private static void stop(Process p) throws Exception {
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  /** The other process: takes the lock ({@code node}) or opens the journal ({@code journal}). */
  public static final class Holder {
    public static void main(String[] args) throws Exception {
      Path data = Path.of(args[1]);
      AutoCloseable held =
          switch (args[0]) {
            case "node" -> DataDirectoryLock.acquire(data);
            case "journal" -> FileSlashingProtectionStore.open(data);
            default -> throw new IllegalArgumentException(args[0]);
          };
      System.out.println("held");
      System.out.flush();
      while (System.in.read() >= 0) {
        // Hold until the parent closes stdin.
      }
      held.close();
    }
  }
}
