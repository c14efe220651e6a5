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
 * configured base folders, so a registry entry cannot make a node read arbitrary local files),
 * {@code http://} / {@code https://} (bounded time and size), and {@code ipfs://CID[/path]} /
 * {@code ar://TXID} through the configured HTTP gateways ({@code GATEWAY/ipfs/CID[/path]}, {@code
 * GATEWAY/TXID}), tried in order with the same limits. For {@code ipfs://} the CID is also checked
 * against the bytes where that can be decided ({@link IpfsCid}): a gateway serving other bytes is
 * skipped for the next. Every failure is a {@link FetchException} naming the locator; the caller
 * checks the registered hashes.
 */
public final class ManuscriptFetcher {
  /** Largest manuscript accepted, in bytes. */
  public static final int MAX_BYTES = 1 << 20;

  private final List<Path> fileRoots;
  private final Gateways gateways;
  private final HttpClient http;
  private final Duration timeout;

  /** A locator that could not be fetched; the message says which and why. */
  public static final class FetchException extends Exception {
    public FetchException(String message) {
      super(message);
    }
  }

  /**
   * HTTP gateways for {@code ipfs://} (path gateways: {@code URL/ipfs/CID}) and {@code ar://}
   * ({@code URL/TXID}) locators, each tried in order; none: those locators are refused.
   */
  public record Gateways(List<URI> ipfs, List<URI> arweave) {
    public static final Gateways NONE = new Gateways(List.of(), List.of());

    public Gateways {
      ipfs = List.copyOf(ipfs);
      arweave = List.copyOf(arweave);
      for (URI u : ipfs) {
        requireHttp("IPFS", u);
      }
      for (URI u : arweave) {
        requireHttp("Arweave", u);
      }
    }

    private static void requireHttp(String what, URI u) {
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
        throw new IllegalArgumentException(
            what + " gateway " + u + " is not an http(s)://host[:port] URL");
      }
    }
  }

  /**
   * @param fileRoots folders {@code file://} locators may point into (none: every file:// is
   *     refused)
   */
  public ManuscriptFetcher(List<Path> fileRoots, Duration timeout) {
    this(fileRoots, Gateways.NONE, timeout);
  }

  /**
   * @param fileRoots folders {@code file://} locators may point into (none: every file:// is
   *     refused)
   * @param gateways where {@code ipfs://} and {@code ar://} locators are fetched
   */
  public ManuscriptFetcher(List<Path> fileRoots, Gateways gateways, Duration timeout) {
    this.gateways = gateways;
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
      case "ipfs" -> ipfs(locator);
      case "ar" -> arweave(locator);
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

  private static final java.util.regex.Pattern CID =
      java.util.regex.Pattern.compile("[A-Za-z0-9]{8,128}");
  private static final java.util.regex.Pattern IPFS_PATH =
      java.util.regex.Pattern.compile("(/[A-Za-z0-9._~-]+)*");
  private static final java.util.regex.Pattern ARWEAVE_TX =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{43}");

  private byte[] ipfs(String locator) throws FetchException {
    String rest = locator.substring("ipfs://".length());
    int slash = rest.indexOf('/');
    String cid = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "" : rest.substring(slash);
    if (!CID.matcher(cid).matches()
        || !IPFS_PATH.matcher(path).matches()
        || (path + "/").contains("/./")
        || (path + "/").contains("/../")) {
      throw new FetchException(
          "locator " + locator + ": not ipfs://CID[/path] (CID alphanumeric, path segments)");
    }
    if (gateways.ipfs().isEmpty()) {
      throw new FetchException(
          "locator "
              + locator
              + ": no IPFS gateway configured (manuscript_gateways.ipfs in operator.yaml)");
    }
    List<String> failures = new java.util.ArrayList<>();
    for (URI g : gateways.ipfs()) {
      String url = base(g) + "/ipfs/" + cid + path;
      byte[] body;
      try {
        body = http(locator, URI.create(url));
      } catch (FetchException e) {
        failures.add(url + ": " + e.getMessage());
        continue;
      }
      if (!path.isEmpty()) {
        return body; // a file inside a directory CID: the CID names the directory, not the bytes
      }
      IpfsCid.Verdict v;
      try {
        v = IpfsCid.check(cid, body);
      } catch (IllegalArgumentException e) {
        throw new FetchException("locator " + locator + ": " + e.getMessage());
      }
      if (v.kind() == IpfsCid.Verdict.Kind.MISMATCH) {
        failures.add(url + ": " + v.reason());
        continue;
      }
      return body;
    }
    throw new FetchException(
        "locator " + locator + ": no gateway served it: " + String.join("; ", failures));
  }

  private byte[] arweave(String locator) throws FetchException {
    String tx = locator.substring("ar://".length());
    if (!ARWEAVE_TX.matcher(tx).matches()) {
      throw new FetchException("locator " + locator + ": not ar://TXID (43 base64url characters)");
    }
    if (gateways.arweave().isEmpty()) {
      throw new FetchException(
          "locator "
              + locator
              + ": no Arweave gateway configured (manuscript_gateways.ar in operator.yaml)");
    }
    List<String> failures = new java.util.ArrayList<>();
    for (URI g : gateways.arweave()) {
      String url = base(g) + "/" + tx;
      try {
        return http(locator, URI.create(url));
      } catch (FetchException e) {
        failures.add(url + ": " + e.getMessage());
      }
    }
    throw new FetchException(
        "locator " + locator + ": no gateway served it: " + String.join("; ", failures));
  }

  private static String base(URI gateway) {
    String s = gateway.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
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
