package io.cvmavs.common.durable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Crash-safe file writes for state that must not be lost or half-written (keys, signing records,
 * data segments): the bytes go to a temporary file in the same folder, are fsynced, then become
 * visible under the final name in one step, and the folder is fsynced so the new name survives a
 * power cut. A reader sees the old content or the new content, never a mix.
 *
 * <p>Every write runs through {@link Uninterruptible}: a caller that is interrupted (a shutdown, a
 * cancelled task) still gets a complete, durable file, and its interrupt flag stays set.
 */
public final class DurableFiles {
  private DurableFiles() {}

  /**
   * Creates {@code target} with {@code content}; fails if it already exists, even when another
   * process creates it concurrently (the final step is a hard link, which never replaces a file).
   *
   * @param ownerOnly create with permissions rw------- where the file system supports POSIX
   *     permissions.
   * @throws FileAlreadyExistsException if {@code target} exists.
   */
  public static void createNew(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Uninterruptible.run(() -> createNewNow(target, content, ownerOnly));
  }

  private static void createNewNow(Path target, byte[] content, boolean ownerOnly)
      throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = writeTemp(dir, absolute.getFileName().toString(), content, ownerOnly);
    try {
      try {
        Files.createLink(absolute, tmp);
      } catch (UnsupportedOperationException noHardLinks) {
        if (Files.exists(absolute)) {
          throw new FileAlreadyExistsException(absolute.toString());
        }
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectoryNow(dir);
  }

  /** Writes {@code content} to {@code target}, replacing any previous version atomically. */
  public static void replace(Path target, byte[] content) throws IOException {
    Uninterruptible.run(() -> replaceNow(target, content));
  }

  private static void replaceNow(Path target, byte[] content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path tmp = writeTemp(dir, absolute.getFileName().toString(), content, false);
    try {
      Files.move(
          tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    syncDirectoryNow(dir);
  }

  /**
   * fsyncs a folder so that file creations, renames and deletions in it survive a crash. A no-op
   * where the platform cannot open folders for syncing.
   */
  public static void syncDirectory(Path dir) throws IOException {
    Uninterruptible.run(() -> syncDirectoryNow(dir));
  }

  private static void syncDirectoryNow(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) {
        return; // Windows cannot open a folder as a channel; NTFS journals the metadata itself.
      }
      throw e;
    }
  }

  private static Path writeTemp(Path dir, String name, byte[] content, boolean ownerOnly)
      throws IOException {
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    FileAttribute<?>[] attributes =
        ownerOnly && posix
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    Path tmp = Files.createTempFile(dir, "." + name + "-", ".tmp", attributes);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }
}
