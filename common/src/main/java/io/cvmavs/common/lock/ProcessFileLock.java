package io.cvmavs.common.lock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exclusive, process-aware OS lock on one file ({@link FileChannel#tryLock()}), held until
 * {@link #close()} or the end of the process (the kernel drops a dead process's lock, so there is
 * never a stale lock to clean up).
 *
 * <p>On Linux the lock is a POSIX record lock, which the kernel releases when the process closes
 * <em>any</em> descriptor of the file. So this process never opens a lock file it already holds (or
 * is probing): the real paths of those files are kept in one in-process registry, and a second
 * in-process acquire is refused from there without touching the file. Whoever must read or write
 * the locked file (a journal) does it through {@link #channel()}, never through a second
 * descriptor.
 *
 * <p>Used for the node's data directory ({@code node.lock}), the slashing-protection journal and
 * the devnet's run folders.
 */
public final class ProcessFileLock implements AutoCloseable {
  /** How the lock file is opened and what is written into it. */
  public enum Option {
    /** Create the file when it is missing (otherwise a missing file is a {@code NoSuchFile}). */
    CREATE,
    /** Replace the file's content with the holder's PID, which a refused acquire then names. */
    RECORD_PID
  }

  /** Real paths of the lock files this process holds or is probing. */
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final Path key;
  private final FileChannel channel;
  private final FileLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProcessFileLock(Path file, Path key, FileChannel channel, FileLock lock) {
    this.file = file;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code file} for this process. Its folder must exist.
   *
   * @throws Held another process, or another holder in this process, has the lock; it names the
   *     file and the holder's PID when one was recorded
   * @throws IOException the file cannot be opened (for example {@code NoSuchFileException} without
   *     {@link Option#CREATE})
   */
  public static ProcessFileLock acquire(Path file, Option... options) throws IOException, Held {
    Set<Option> opts = options.length == 0 ? Set.of() : EnumSet.of(options[0], options);
    Path key = file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
    if (!HELD.add(key)) {
      // Held by this process: opening (and closing) the file again would drop the real lock.
      throw new Held(file, Optional.of(Long.toString(ProcessHandle.current().pid())), true);
    }
    FileChannel channel = null;
    boolean acquired = false;
    try {
      channel =
          opts.contains(Option.CREATE)
              ? FileChannel.open(
                  file,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE)
              : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException sameProcess) {
        lock = null; // cannot happen while every holder goes through HELD; refused all the same
      }
      if (lock == null) {
        throw new Held(file, readHolder(channel), false);
      }
      if (opts.contains(Option.RECORD_PID)) {
        byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
        channel.truncate(0);
        ByteBuffer buffer = ByteBuffer.wrap(pid);
        while (buffer.hasRemaining()) {
          channel.write(buffer, buffer.position());
        }
        channel.force(true);
      }
      ProcessFileLock held = new ProcessFileLock(file, key, channel, lock);
      acquired = true;
      return held;
    } finally {
      if (!acquired) {
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

  /** The PID the holder recorded, if any (read through the probing channel). */
  private static Optional<String> readHolder(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(32);
    channel.read(buffer, 0);
    String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
    return pid.matches("[0-9]{1,19}") ? Optional.of(pid) : Optional.empty();
  }

  public Path file() {
    return file;
  }

  /** The locked file's one descriptor: read and write the file only through it. */
  public FileChannel channel() {
    return channel;
  }

  /** Releases the lock and closes the descriptor; the file stays. A second close does nothing. */
  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return; // a second close must not release a later holder's entry in HELD
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      try {
        channel.close();
      } finally {
        HELD.remove(key);
      }
    }
  }

  /** The lock is held elsewhere: by another process, or by another holder in this process. */
  public static final class Held extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path file;
    private final String holderPid;
    private final boolean thisProcess;

    Held(Path file, Optional<String> holderPid, boolean thisProcess) {
      super(
          "lock file "
              + file.toAbsolutePath().normalize()
              + " is held by "
              + (thisProcess
                  ? "this process (PID " + holderPid.orElse("?") + ")"
                  : holderPid.map(p -> "PID " + p).orElse("another process (PID unknown)")));
      this.file = file;
      this.holderPid = holderPid.orElse(null);
      this.thisProcess = thisProcess;
    }

    public Path file() {
      return file;
    }

    /** The holder's PID, when it recorded one ({@link Option#RECORD_PID}) or is this process. */
    public Optional<String> holderPid() {
      return Optional.ofNullable(holderPid);
    }

    /** Whether the holder is this very process. */
    public boolean byThisProcess() {
      return thisProcess;
    }
  }
}
