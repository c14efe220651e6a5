package io.cvmavs.operator.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive OS-level lock that keeps a second node off a data directory: {@code
 * <data_dir>/node.lock}, locked with {@link FileChannel#tryLock()} and held until {@link #close()}
 * (or the process ends — the kernel drops the lock of a dead process, so there is no stale lock to
 * clean up). The file holds the holder's PID, which the refusal names.
 *
 * <p>The lock file is opened through this one channel only: on Linux the lock is a POSIX record
 * lock, which the kernel releases when the process closes <em>any</em> descriptor of the file. So a
 * second acquire within this process must not even open the file: lock files this process holds are
 * kept in {@link #HELD}, and a second in-process holder is refused from there.
 */
public final class DataDirectoryLock implements AutoCloseable {
  public static final String FILE_NAME = "node.lock";

  /** Real paths of the lock files this process holds. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();

  private DataDirectoryLock(Path file, Path key, FileChannel channel, FileLock lock) {
    this.file = file;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDirectory} (creating it if needed) for this process.
   *
   * @throws NodeException.DataDirectoryInUse another process (or another node of this process)
   *     holds it; the message names the directory and the holder's PID
   */
  public static DataDirectoryLock acquire(Path dataDirectory) {
    Path file = dataDirectory.resolve(FILE_NAME);
    Path key;
    try {
      Files.createDirectories(dataDirectory);
      key = dataDirectory.toRealPath().resolve(FILE_NAME);
    } catch (IOException e) {
      throw new NodeException("cannot lock data directory " + dataDirectory + ": " + e, e);
    }
    if (!HELD.add(key)) {
      // Held by this process: opening (and closing) the file again would drop the real lock.
      throw inUse(dataDirectory, file, Long.toString(ProcessHandle.current().pid()));
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null;
      }
      if (lock == null) {
        throw inUse(dataDirectory, file, readHolder(channel));
      }
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
      channel.truncate(0);
      ByteBuffer buffer = ByteBuffer.wrap(pid);
      while (buffer.hasRemaining()) {
        channel.write(buffer, buffer.position());
      }
      channel.force(true);
      DataDirectoryLock held = new DataDirectoryLock(file, key, channel, lock);
      channel = null;
      return held;
    } catch (IOException e) {
      throw new NodeException("cannot lock data directory " + dataDirectory + ": " + e, e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // Already failing; the refusal is what matters.
        } finally {
          HELD.remove(key);
        }
      }
    }
  }

  private static NodeException.DataDirectoryInUse inUse(
      Path dataDirectory, Path file, String holder) {
    return new NodeException.DataDirectoryInUse(
        "data directory "
            + dataDirectory.toAbsolutePath()
            + " is in use by another node ("
            + (holder.isEmpty() ? "PID unknown" : "PID " + holder)
            + ", lock file "
            + file.toAbsolutePath()
            + "); stop that node first, or give this one its own data_dir");
  }

  /** The PID the holder wrote, or empty. */
  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
  }

  public Path file() {
    return file;
  }

  /** Releases the lock (the file stays: deleting it could race a node that is just locking it). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // a second close must not release a later holder's entry in HELD
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      throw new NodeException("cannot release " + file + ": " + e.getMessage(), e);
    } finally {
      HELD.remove(key);
    }
  }
}
