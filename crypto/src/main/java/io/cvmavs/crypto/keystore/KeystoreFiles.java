package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reading keystore JSON, and writing it atomically (temp file + rename) with owner-only
 * permissions.
 */
final class KeystoreFiles {
  static final ObjectMapper JSON = new ObjectMapper();

  private KeystoreFiles() {}

  static JsonNode read(Path file) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new KeystoreException("keystore " + file + " does not exist", e);
    } catch (IOException e) {
      throw new KeystoreException("cannot read keystore " + file + ": " + e.getMessage(), e);
    }
    try {
      JsonNode node = JSON.readTree(raw);
      if (node == null || !node.isObject()) {
        throw new CorruptKeystoreException("keystore " + file + " is not a JSON object");
      }
      return node;
    } catch (JacksonException e) {
      throw new CorruptKeystoreException(
          "keystore " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new KeystoreException("cannot read keystore " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code json} to {@code file}, refusing to overwrite an existing keystore. */
  static void writeNew(Path file, JsonNode json) {
    Path target = file.toAbsolutePath();
    if (Files.exists(target)) {
      throw new KeystoreException(
          "keystore " + target + " already exists; refusing to overwrite a key");
    }
    Path dir = target.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      tmp =
          posix
              ? Files.createTempFile(
                  dir,
                  ".keystore-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(
                      PosixFilePermissions.fromString("rw-------")))
              : Files.createTempFile(dir, ".keystore-", ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(json));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      tmp = null;
    } catch (FileAlreadyExistsException e) {
      throw new KeystoreException(
          "keystore " + target + " already exists; refusing to overwrite a key", e);
    } catch (IOException e) {
      throw new KeystoreException("cannot write keystore " + target + ": " + e.getMessage(), e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temporary file holds only ciphertext
        }
      }
    }
  }
}
