package io.cvmavs.storage.backend;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Where block-group files are kept. Implementations are thread-safe. A put of the same bytes twice
 * makes no second copy (content addressed); a get returns the bytes only if they hash to the
 * receipt's hash.
 */
public interface StorageBackend {
  /** The backend's name in receipts and group headers ({@code [a-z0-9-]{1,32}}). */
  String name();

  /** Stores {@code file}; returns where it is. */
  Receipt put(byte[] file);

  /**
   * The file a receipt names, checked against the receipt's size and hash (a truncated or altered
   * download is refused with {@link BackendException}); empty if the backend does not have it.
   */
  Optional<byte[]> get(Receipt receipt);

  /**
   * The file at {@code locator} without a receipt (walking back through groups' previous locators);
   * the caller checks the content (group and block hashes).
   */
  Optional<byte[]> get(String locator);

  boolean exists(String locator);

  /**
   * Where {@code file} will be once put, when that follows from its content alone
   * (content-addressed backends); empty otherwise (Arweave: the id comes from a signature). Lets a
   * group's header name the previous group's locators before the previous group is uploaded.
   */
  default Optional<String> locatorFor(byte[] file) {
    return Optional.empty();
  }

  /** SHA-256 as lower-case hex. */
  static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Refuses bytes that do not match the receipt (size first, then hash). */
  static byte[] checked(Receipt receipt, byte[] data) {
    if (data.length != receipt.size()) {
      throw new BackendException(
          receipt.backend()
              + " returned "
              + data.length
              + " bytes for "
              + receipt.locator()
              + " but the receipt says "
              + receipt.size()
              + (data.length < receipt.size() ? " (truncated download)" : ""),
          true);
    }
    String h = sha256Hex(data);
    if (!h.equals(receipt.hash())) {
      throw new BackendException(
          receipt.backend()
              + " returned content for "
              + receipt.locator()
              + " that hashes to "
              + h
              + ", not the receipt's "
              + receipt.hash(),
          false);
    }
    return data;
  }
}
