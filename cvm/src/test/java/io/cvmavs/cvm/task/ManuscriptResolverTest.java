package io.cvmavs.cvm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cvmavs.cvm.proof.Keccak;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ManuscriptResolver} and {@link ManuscriptFetcher} against real files and a real HTTP
 * server on 127.0.0.1; the registry is a map here (its port has one method — the real contract is
 * read in operator's {@code ManuscriptRegistryIT}). SHA-256 is cross-checked with the JDK's
 * MessageDigest and keccak-256 against the published digest of the empty string.
 */
class ManuscriptResolverTest {
  @TempDir Path dir;
  private final Map<String, ManuscriptDirectory.Listing> registry = new HashMap<>();
  private HttpServer http;
  private final Map<String, byte[]> served = new HashMap<>();
  private Path published;

  @BeforeEach
  void start() throws Exception {
    published = Files.createDirectories(dir.resolve("published"));
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext(
        "/",
        ex -> {
          byte[] body = served.get(ex.getRequestURI().getPath());
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private static byte[] manuscript(String tag) throws Exception {
    try (InputStream in =
        ManuscriptResolverTest.class.getResourceAsStream("/manuscripts/erc20_volume.yaml")) {
      return (new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              + "\n# "
              + tag
              + "\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private void register(byte[] bytes, ManuscriptDirectory.Status status, String locator)
      throws Exception {
    registry.put(
        HexFormat.of().formatHex(Keccak.hash(bytes)),
        new ManuscriptDirectory.Listing(
            MessageDigest.getInstance("SHA-256").digest(bytes), status, locator));
  }

  private ManuscriptResolver resolver(Path cache) {
    return new ManuscriptResolver(
        h -> Optional.ofNullable(registry.get(HexFormat.of().formatHex(h))),
        new ManuscriptFetcher(List.of(published), Duration.ofSeconds(5)),
        cache,
        "eth");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  @Test
  void keccakIsTheManuscriptHashOfTheFileBytes() {
    assertThat(HexFormat.of().formatHex(Keccak.hash(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }

  @Test
  void resolvesOverHttpAndFileCachesAndReusesTheCache() throws Exception {
    byte[] a = manuscript("a");
    served.put("/a.yaml", a);
    register(a, ManuscriptDirectory.Status.ACTIVE, url("/a.yaml"));
    byte[] b = manuscript("b");
    Path fb = Files.write(published.resolve("b.yaml"), b);
    register(b, ManuscriptDirectory.Status.DEPRECATED, fb.toUri().toString());
    Path cache = dir.resolve("cache");
    ManuscriptResolver r = resolver(cache);

    AttestedManuscript ra = r.resolve(Keccak.hash(a));
    assertThat(ra.hash()).isEqualTo(Keccak.hash(a));
    assertThat(ra.refusal()).isEmpty();
    assertThat(ra.name()).contains("erc20_volume");
    assertThat(r.resolve(Keccak.hash(b)).refusal()).as("deprecated still resolves").isEmpty();
    Path cached = cache.resolve(HexFormat.of().formatHex(Keccak.hash(a)) + ".yaml");
    assertThat(cached).hasBinaryContent(a);

    // The server goes away: the cache answers.
    served.clear();
    assertThat(r.resolve(Keccak.hash(a)).hash()).isEqualTo(Keccak.hash(a));
    // A tampered cache is not trusted: fetched again (and the server is gone, so refused).
    Files.write(cached, manuscript("tampered"));
    assertRefused(
        () -> r.resolve(Keccak.hash(a)),
        TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
        "HTTP 404");
    served.put("/a.yaml", a);
    assertThat(r.resolve(Keccak.hash(a)).hash()).isEqualTo(Keccak.hash(a));
    assertThat(cached).hasBinaryContent(a);
    try (var files = Files.list(cache)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left behind")
          .allMatch(n -> n.endsWith(".yaml"));
    }
  }

  @Test
  void refusesWithTheReason() throws Exception {
    ManuscriptResolver r = resolver(dir.resolve("cache"));
    byte[] a = manuscript("a");
    assertRefused(
        () -> r.resolve(Keccak.hash(a)),
        TaskRefusedException.Reason.UNREGISTERED_MANUSCRIPT,
        "is not registered");

    // Served bytes differ from the registered hash.
    served.put("/a.yaml", manuscript("other"));
    register(a, ManuscriptDirectory.Status.ACTIVE, url("/a.yaml"));
    assertRefused(
        () -> r.resolve(Keccak.hash(a)),
        TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
        "keccak-256 of the");

    // Right bytes, wrong content hash registered.
    served.put("/a.yaml", a);
    registry.put(
        HexFormat.of().formatHex(Keccak.hash(a)),
        new ManuscriptDirectory.Listing(
            new byte[32], ManuscriptDirectory.Status.ACTIVE, url("/a.yaml")));
    assertRefused(
        () -> r.resolve(Keccak.hash(a)),
        TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH,
        "SHA-256");

    register(a, ManuscriptDirectory.Status.REVOKED, url("/a.yaml"));
    assertRefused(
        () -> r.resolve(Keccak.hash(a)), TaskRefusedException.Reason.REVOKED_MANUSCRIPT, "revoked");
    assertRefused(
        () -> r.check(Keccak.hash(a)), TaskRefusedException.Reason.REVOKED_MANUSCRIPT, "revoked");

    byte[] c = manuscript("c");
    register(
        c, ManuscriptDirectory.Status.ACTIVE, "ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U");
    assertRefused(
        () -> r.resolve(Keccak.hash(c)),
        TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
        "no Arweave gateway configured");

    byte[] d = manuscript("d");
    Path outside = Files.write(dir.resolve("d.yaml"), d);
    register(d, ManuscriptDirectory.Status.ACTIVE, outside.toUri().toString());
    assertRefused(
        () -> r.resolve(Keccak.hash(d)),
        TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
        "outside the folders");
    // A symbolic link inside the allowed folder pointing outside it is refused too.
    Path link = Files.createSymbolicLink(published.resolve("d-link.yaml"), outside);
    register(d, ManuscriptDirectory.Status.ACTIVE, link.toUri().toString());
    assertRefused(
        () -> r.resolve(Keccak.hash(d)),
        TaskRefusedException.Reason.MANUSCRIPT_FETCH_FAILED,
        "outside the folders");
  }

  @Test
  void aRegisteredFileThatCannotBeAttestedResolvesWithItsRefusal() throws Exception {
    byte[] bad = "name: x\nspecVersion: v0.1.0\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path f = Files.write(published.resolve("bad.yaml"), bad);
    register(bad, ManuscriptDirectory.Status.ACTIVE, f.toUri().toString());
    AttestedManuscript m = resolver(dir.resolve("cache")).resolve(Keccak.hash(bad));
    assertThat(m.refusal()).isPresent();
  }

  @Test
  void oversizedBodiesAreRefused() throws Exception {
    byte[] big = new byte[ManuscriptFetcher.MAX_BYTES + 1];
    served.put("/big.yaml", big);
    assertThatThrownBy(
            () -> new ManuscriptFetcher(List.of(), Duration.ofSeconds(5)).fetch(url("/big.yaml")))
        .isInstanceOf(ManuscriptFetcher.FetchException.class)
        .hasMessageContaining("larger than");
  }

  private static void assertRefused(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
      TaskRefusedException.Reason reason,
      String text) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            TaskRefusedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(text);
  }
}
