package io.cvmavs.common.durable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private List<Path> leftovers() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  @Test
  void createNewWritesOwnerOnlyAndNeverOverwrites() throws Exception {
    Path key = dir.resolve("sub/key.json");
    DurableFiles.createNew(key, bytes("first"), true);
    assertThat(Files.readString(key)).isEqualTo("first");
    assertThat(Files.getPosixFilePermissions(key))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    assertThatThrownBy(() -> DurableFiles.createNew(key, bytes("second"), true))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(key)).isEqualTo("first");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void concurrentCreatorsOfOneFileLetExactlyOneWin() throws Exception {
    Path key = dir.resolve("race.json");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String content = "writer-" + i;
      results.add(
          pool.submit(
              (Callable<Boolean>)
                  () -> {
                    try {
                      DurableFiles.createNew(key, bytes(content), false);
                      return true;
                    } catch (FileAlreadyExistsException e) {
                      return false;
                    }
                  }));
    }
    int winners = 0;
    for (Future<Boolean> f : results) {
      winners += f.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(winners).isEqualTo(1);
    assertThat(Files.readString(key)).startsWith("writer-");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void replaceSwapsContentWhole() throws Exception {
    Path file = dir.resolve("export.json");
    DurableFiles.replace(file, bytes("v1"));
    DurableFiles.replace(file, bytes("v2"));
    assertThat(Files.readString(file)).isEqualTo("v2");
    assertThat(leftovers()).isEmpty();
  }

  /**
   * An interrupted caller (shutdown, a cancelled task) gets a complete file and keeps its
   * interrupt: without {@link Uninterruptible} FileChannel.write closed the channel at once
   * (ClosedByInterruptException, message null) and left nothing behind.
   */
  @Test
  void writesOnAnInterruptedThreadCompleteAndTheFlagIsRestored() throws Exception {
    Path file = dir.resolve("state.json");
    Path created = dir.resolve("key.json");
    byte[] content = new byte[256 * 1024];
    java.util.Arrays.fill(content, (byte) 'x');
    Thread.currentThread().interrupt();
    try {
      DurableFiles.replace(file, content);
      assertThat(Thread.currentThread().isInterrupted()).as("after replace").isTrue();
      DurableFiles.createNew(created, bytes("key"), true);
      assertThat(Thread.currentThread().isInterrupted()).as("after createNew").isTrue();
      DurableFiles.syncDirectory(dir);
      assertThat(Thread.currentThread().isInterrupted()).as("after syncDirectory").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
    assertThat(Files.readString(created)).isEqualTo("key");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void anInterruptArrivingDuringTheWriteIsKeptAndTheWriteCompletes() throws Exception {
    Path file = dir.resolve("big.bin");
    byte[] content = new byte[8 * 1024 * 1024];
    new java.util.Random(7).nextBytes(content);
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread interrupter =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!done.get()) {
                    caller.interrupt();
                    java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                  }
                });
    try {
      for (int i = 0; i < 5; i++) {
        DurableFiles.replace(file, content);
      }
    } finally {
      done.set(true);
      while (interrupter.isAlive()) {
        Thread.onSpinWait(); // not join(): that would throw on the interrupt under test
      }
    }
    try {
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  @Test
  void anActionsOwnExceptionsPassThroughUnchanged() {
    assertThatThrownBy(
            () ->
                Uninterruptible.run(
                    () -> {
                      throw new java.io.FileNotFoundException("gone.json");
                    }))
        .isInstanceOf(java.io.FileNotFoundException.class)
        .hasMessage("gone.json");
    assertThatThrownBy(
            () ->
                Uninterruptible.run(
                    () -> {
                      throw new java.io.UncheckedIOException(new java.io.IOException("inner"));
                    }))
        .isInstanceOf(java.io.UncheckedIOException.class);
  }
}
