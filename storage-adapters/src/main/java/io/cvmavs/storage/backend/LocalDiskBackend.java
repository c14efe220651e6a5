package io.cvmavs.storage.backend;

import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed files on local disk: {@code <dir>/<hh>/<sha256 hex>.cvmg} ({@code hh} = first
 * two hex digits), written to a temporary file, fsynced, renamed into place and the directory
 * fsynced ({@link DurableFiles#createNew}); a crash leaves either no file or the whole file. The
 * locator is the file's SHA-256 hex.
 */
public final class LocalDiskBackend implements StorageBackend {
  private final String name;
  private final Path dir;

  public LocalDiskBackend(String name, Path dir) {
    this.name = name;
    this.dir = dir;
  }

  public LocalDiskBackend(Path dir) {
    this("local", dir);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Receipt put(byte[] file) {
    String hash = StorageBackend.sha256Hex(file);
    Path target = path(hash);
    try {
      Files.createDirectories(target.getParent());
      if (!Files.exists(target)) {
        DurableFiles.createNew(target, file, false);
      } else if (!StorageBackend.sha256Hex(Files.readAllBytes(target)).equals(hash)) {
        // a damaged copy (disk fault, truncated by hand): replace it with the good bytes
        DurableFiles.replace(target, file);
      }
    } catch (FileAlreadyExistsException e) {
      // a concurrent put of the same content won: same bytes by construction
    } catch (IOException e) {
      throw new BackendException("cannot write " + target + ": " + e.getMessage(), true, e);
    }
    return new Receipt(name, hash, file.length, hash);
  }

  @Override
  public Optional<byte[]> get(Receipt receipt) {
    return get(receipt.locator()).map(b -> StorageBackend.checked(receipt, b));
  }

  @Override
  public Optional<byte[]> get(String locator) {
    Path p = path(locator);
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new BackendException("cannot read " + p + ": " + e.getMessage(), true, e);
    }
  }

  @Override
  public Optional<String> locatorFor(byte[] file) {
    return Optional.of(StorageBackend.sha256Hex(file));
  }

  @Override
  public boolean exists(String locator) {
    return Files.isRegularFile(path(locator));
  }

  private Path path(String hash) {
    if (!hash.matches("[0-9a-f]{64}")) {
      throw new BackendException(
          "local locator must be a SHA-256 in lower-case hex, got '" + hash + "'", false);
    }
    return dir.resolve(hash.substring(0, 2)).resolve(hash + ".cvmg");
  }
}
