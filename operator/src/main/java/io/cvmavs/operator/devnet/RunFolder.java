package io.cvmavs.operator.devnet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * The folder of one devnet run under {@code target/devnet}: keys, operator.yaml files, node data,
 * the aggregator's and monitor's state, anvil's and forge's logs. Only the latest run is kept: a
 * run holds an exclusive lock on {@code run-…/.lock} for as long as it lives, and the next run
 * deletes every run folder whose lock nobody holds (a finished or killed run; the OS drops a dead
 * process's lock), including an earlier one of the same name. Folders of devnets still running (in
 * this or another process) are left alone.
 *
 * <p>On Linux the lock is a POSIX record lock, which the kernel drops when the process closes
 * <em>any</em> descriptor of the file; so this process never opens a lock file it holds a second
 * time (probing or claiming it): the lock files it holds or is probing are kept in {@link #HELD}.
 */
final class RunFolder implements AutoCloseable {
  static final String PREFIX = "run-";
  private static final String LOCK = ".lock";

  /** Real paths of the lock files this process holds (or is probing). */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;
  private final List<Path> removed;
  private final Path key;
  private final AtomicBoolean closed = new AtomicBoolean();

  private RunFolder(Path dir, Path key, FileChannel channel, FileLock lock, List<Path> removed) {
    this.dir = dir;
    this.key = key;
    this.channel = channel;
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
    Path key;
    try {
      Files.createDirectories(dir);
      key = dir.toRealPath().resolve(LOCK);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the devnet folder " + dir + ": " + e, e);
    }
    if (!HELD.add(key)) {
      // A devnet of this process: opening (and closing) its lock file again would drop its lock.
      throw stillRunning(dir);
    }
    boolean claimed = false;
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        throw stillRunning(dir);
      }
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
      RunFolder folder = new RunFolder(dir, key, channel, lock, List.copyOf(removed));
      claimed = true;
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the devnet folder " + dir + ": " + e, e);
    } finally {
      if (!claimed) {
        try {
          if (channel != null) {
            channel.close(); // also drops the lock, if it was taken
          }
        } catch (IOException ignored) {
          // Already failing; that failure is what matters.
        } finally {
          HELD.remove(key);
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
    Path key;
    try {
      key = lockFile.toRealPath();
    } catch (NoSuchFileException gone) {
      return false; // another devnet starting at the same time removed it first
    }
    if (!HELD.add(key)) {
      return false; // a devnet of this process holds it: do not open its lock file
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = tryLock(channel);
      if (lock == null) {
        return false;
      }
      try {
        deleteTree(run);
        return true;
      } finally {
        lock.release();
      }
    } catch (NoSuchFileException gone) {
      return false; // another devnet starting at the same time removed it first
    } finally {
      HELD.remove(key);
    }
  }

  /** The lock, or null when another process — or another devnet in this JVM — holds it. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
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
    if (!closed.compareAndSet(false, true)) {
      return; // a second close must not release a later holder's entry in HELD
    }
    try {
      lock.release();
    } finally {
      try {
        channel.close();
      } finally {
        HELD.remove(key);
      }
    }
  }
}
