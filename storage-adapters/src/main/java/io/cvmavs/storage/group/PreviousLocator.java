package io.cvmavs.storage.group;

import java.nio.charset.StandardCharsets;

/**
 * Where the previous group of the same stream is stored on one backend (its receipt's locator), so
 * a reader can walk a backend's groups from the newest back to the first.
 *
 * @param backend backend name: 1–32 characters of {@code [a-z0-9-]}
 * @param locator 1–1024 bytes of UTF-8
 */
public record PreviousLocator(String backend, String locator) {
  public PreviousLocator {
    if (!backend.matches("[a-z0-9-]{1,32}")) {
      throw new GroupFormatException(
          "backend name '" + backend + "' must be 1-32 characters of [a-z0-9-]");
    }
    int n = locator.getBytes(StandardCharsets.UTF_8).length;
    if (n < 1 || n > 1024) {
      throw new GroupFormatException(
          "locator of backend '" + backend + "' has " + n + " bytes, not 1-1024");
    }
  }
}
