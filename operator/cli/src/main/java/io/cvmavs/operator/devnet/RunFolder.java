package io.cvmavs.operator.devnet;

import io.cvmavs.common.lock.ProcessFileLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder of one devnet run under {@code target/devnet}: keys, operator.yaml files, node data,
 * the aggregator's and monitor's state, anvil's and forge's logs. Only the latest run is kept: a
 * run holds an exclusive lock on {@code run-…/.lock} for as long as it lives, and the next run
 * deletes every run folder whose lock nobody holds (a finished or killed run; the OS drops a dead
 * process's lock), including an earlier one of the same name. Folders of devnets still running (in
 * this or another process) are left alone.
 *
 * <p>The lock is a {@link ProcessFileLock}: this process never opens a lock file it holds a second
 * time (probing or claiming it), which on Linux would drop its POSIX lock.
 */
final class RunFolder implements AutoCloseable {
  static final String PREFIX = "run-";
  private static final String LOCK = ".lock";

  private final Path dir;
  private final ProcessFileLock lock;
  private final List<Path> removed;

  private RunFolder(Path dir, ProcessFileLock lock, List<Path> removed) {
    this.dir = dir;
    this.lock = lock;
    this.removed = removed;
  }

  /**
   * Locks {@code parent/run-<name>} (created if missing), empties it and deletes every other
   * unlocked {@code run-*} folder of {@code parent}.
   *
   * @throws DevnetException when another running devnet holds this very folder
   */
  static RunFolder claim(Path parent, String name) {
    Path dir = parent.resolve(PREFIX + name);
    ProcessFileLock lock = null;
    try {
      Files.createDirectories(dir);
      lock = ProcessFileLock.acquire(dir.resolve(LOCK), ProcessFileLock.Option.CREATE);
      try (Stream<Path> entries = Files.list(dir)) {
        for (Path entry : entries.toList()) {
          if (!entry.getFileName().toString().equals(LOCK)) {
            deleteTree(entry);
          }
        }
      }
      List<Path> removed = new ArrayList<>();
      try (DirectoryStream<Path> runs = Files.newDirectoryStream(parent, PREFIX + "*")) {
        for (Path other : runs) {
          if (!other.equals(dir) && Files.isDirectory(other) && removeIfUnused(other)) {
            removed.add(other);
          }
        }
      }
      // Older versions wrote anvil's and forge's logs next to the run folders; now they live
      // inside.
      try (DirectoryStream<Path> logs =
          Files.newDirectoryStream(parent, "{anvil,forge-deploy}-*.log")) {
        for (Path legacy : logs) {
          Files.deleteIfExists(legacy);
        }
      }
      RunFolder folder = new RunFolder(dir, lock, List.copyOf(removed));
      lock = null;
      return folder;
    } catch (ProcessFileLock.Held held) {
      // A devnet of this or another process holds it.
      throw stillRunning(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the devnet folder " + dir + ": " + e, e);
    } finally {
      if (lock != null) {
        try {
          lock.close();
        } catch (IOException ignored) {
          // Already failing; that failure is what matters.
        }
      }
    }
  }

  private static DevnetException stillRunning(Path dir) {
    return new DevnetException(
        dir + " belongs to a devnet that is still running; stop it or pass another --port");
  }

  Path path() {
    return dir;
  }

  /** Folders of earlier runs that {@link #claim} deleted. */
  List<Path> removed() {
    return removed;
  }

  /** Deletes {@code run} when no live devnet holds its lock; true when it did. */
  private static boolean removeIfUnused(Path run) throws IOException {
    Path lockFile = run.resolve(LOCK);
    if (!Files.exists(lockFile)) {
      deleteTree(run); // a run of an older version without a lock file, long finished
      return true;
    }
    try (ProcessFileLock probe = ProcessFileLock.acquire(lockFile)) {
      deleteTree(run);
      return true;
    } catch (ProcessFileLock.Held held) {
      return false; // a live devnet (of this or another process) holds it
    } catch (NoSuchFileException gone) {
      return false; // another devnet starting at the same time removed it first
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Releases the lock; the folder stays until the next run (only the latest run is kept). */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
