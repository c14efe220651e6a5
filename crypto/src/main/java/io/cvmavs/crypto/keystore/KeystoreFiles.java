package io.cvmavs.crypto.keystore;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading keystore JSON, and writing it durably with owner-only permissions (see {@link
 * DurableFiles}).
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

  /**
   * Writes {@code json} to {@code file} durably (temporary file, fsync, hard link, folder fsync)
   * with owner-only permissions, refusing to overwrite an existing keystore — also one created
   * concurrently.
   */
  static void writeNew(Path file, JsonNode json) {
    Path target = file.toAbsolutePath();
    try {
      DurableFiles.createNew(target, JSON.writeValueAsBytes(json), true);
    } catch (FileAlreadyExistsException e) {
      throw new KeystoreException(
          "keystore " + target + " already exists; refusing to overwrite a key", e);
    } catch (IOException e) {
      throw new KeystoreException("cannot write keystore " + target + ": " + e.getMessage(), e);
    }
  }
}
