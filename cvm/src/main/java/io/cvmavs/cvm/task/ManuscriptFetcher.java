package io.cvmavs.cvm.task;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Fetches a registered manuscript's bytes from its locator: {@code file://} (only below the
 * configured base folders, so a registry entry cannot make a node read arbitrary local files) and
 * {@code http://} / {@code https://} (bounded time and size). {@code ipfs://} and {@code ar://} are
 * refused with the reason (no gateway client here yet). Every failure is a {@link FetchException}
 * naming the locator; the caller checks the hashes.
 */
public final class ManuscriptFetcher {
  /** Largest manuscript accepted, in bytes. */
  public static final int MAX_BYTES = 1 << 20;

  private final List<Path> fileRoots;
  private final HttpClient http;
  private final Duration timeout;

  /** A locator that could not be fetched; the message says which and why. */
  public static final class FetchException extends Exception {
    public FetchException(String message) {
      super(message);
    }
  }

  /**
   * @param fileRoots folders {@code file://} locators may point into (none: every file:// is
   *     refused)
   */
  public ManuscriptFetcher(List<Path> fileRoots, Duration timeout) {
    this.fileRoots = fileRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  public byte[] fetch(String locator) throws FetchException {
    URI uri;
    try {
      uri = new URI(locator);
    } catch (URISyntaxException e) {
      throw new FetchException("locator " + locator + " is not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    return switch (scheme) {
      case "file" -> file(locator, uri);
      case "http", "https" -> http(locator, uri);
      case "ipfs", "ar" ->
          throw new FetchException(
              "locator "
                  + locator
                  + ": "
                  + scheme
                  + ":// is not fetched by this node (no gateway client); register a file:// or"
                  + " https:// locator, or preload the file with --manuscript");
      default -> throw new FetchException("locator " + locator + ": unsupported scheme");
    };
  }

  private byte[] file(String locator, URI uri) throws FetchException {
    if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
      throw new FetchException("locator " + locator + ": file:// with a host is not supported");
    }
    Path p = Path.of(uri.getPath()).toAbsolutePath().normalize();
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new FetchException("locator " + locator + ": cannot read " + p + ": " + e);
    }
    boolean allowed = false;
    for (Path root : fileRoots) {
      try {
        if (real.startsWith(root.toRealPath())) {
          allowed = true;
          break;
        }
      } catch (IOException ignored) {
        // a configured folder that does not exist allows nothing
      }
    }
    if (!allowed) {
      throw new FetchException(
          "locator "
              + locator
              + ": "
              + real
              + " is outside the folders file:// locators may name ("
              + (fileRoots.isEmpty() ? "none configured: manuscriptLocatorDirs" : fileRoots)
              + ")");
    }
    try {
      if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
        throw new FetchException("locator " + locator + ": " + real + " is not a regular file");
      }
      if (Files.size(real) > MAX_BYTES) {
        throw new FetchException(
            "locator " + locator + ": file larger than " + MAX_BYTES + " bytes");
      }
      return Files.readAllBytes(real);
    } catch (IOException e) {
      throw new FetchException("locator " + locator + ": cannot read " + real + ": " + e);
    }
  }

  private byte[] http(String locator, URI uri) throws FetchException {
    HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new FetchException("locator " + locator + ": HTTP " + r.statusCode());
        }
        byte[] body = in.readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
          throw new FetchException(
              "locator " + locator + ": body larger than " + MAX_BYTES + " bytes");
        }
        return body;
      }
    } catch (IOException e) {
      throw new FetchException("locator " + locator + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException("locator " + locator + ": interrupted");
    }
  }
}
