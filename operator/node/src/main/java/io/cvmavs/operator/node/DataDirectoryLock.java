package io.cvmavs.operator.node;

import io.cvmavs.common.lock.ProcessFileLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The exclusive OS-level lock that keeps a second node off a data directory: {@code
 * <data_dir>/node.lock}, a {@link ProcessFileLock} that records the holder's PID, held until {@link
 * #close()} (or the process ends — the kernel drops the lock of a dead process, so there is no
 * stale lock to clean up). A refusal names the directory and the holder's PID; a second holder
 * within this process is refused without the file being opened again (which would drop the POSIX
 * lock).
 */
public final class DataDirectoryLock implements AutoCloseable {
  public static final String FILE_NAME = "node.lock";

  private final ProcessFileLock lock;

  private DataDirectoryLock(ProcessFileLock lock) {
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
    try {
      Files.createDirectories(dataDirectory);
      return new DataDirectoryLock(
          ProcessFileLock.acquire(
              file, ProcessFileLock.Option.CREATE, ProcessFileLock.Option.RECORD_PID));
    } catch (ProcessFileLock.Held held) {
      throw inUse(dataDirectory, file, held.holderPid().orElse(""));
    } catch (IOException e) {
      throw new NodeException("cannot lock data directory " + dataDirectory + ": " + e, e);
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

  public Path file() {
    return lock.file();
  }

  /** Releases the lock (the file stays: deleting it could race a node that is just locking it). */
  @Override
  public void close() {
    try {
      lock.close();
    } catch (IOException e) {
      throw new NodeException("cannot release " + lock.file() + ": " + e.getMessage(), e);
    }
  }
}
