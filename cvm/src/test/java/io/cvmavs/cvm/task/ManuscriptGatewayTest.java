package io.cvmavs.cvm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.cvmavs.cvm.proof.Keccak;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code ipfs://} and {@code ar://} locators fetched through HTTP gateways, and {@link IpfsCid}.
 *
 * <p>The gateways here are two JDK HTTP servers on 127.0.0.1 speaking the path-gateway protocol
 * ({@code GET /ipfs/CID}, {@code GET /TXID}), not the Helia / arlocal servers the storage ITs
 * start: the {@code cvm} module may not depend on {@code localnet} or the storage adapters (module
 * rules), putting content into arlocal needs a signed Arweave transaction, and what is tested here
 * is this node's side — gateway order, limits, a gateway that serves other bytes, the CID check —
 * which needs a gateway that misbehaves on purpose. The CID decoder is anchored on published
 * vectors: {@code QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o} is {@code ipfs add} of "hello
 * world\n" (CIDv0, one UnixFS block) and {@code
 * bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku} the raw CIDv1 of the empty file
 * (SHA-256 e3b0c442…).
 */
class ManuscriptGatewayTest {
  @TempDir Path dir;
  private HttpServer good;
  private HttpServer liar;
  private final Map<String, byte[]> goodFiles = new HashMap<>();
  private final Map<String, byte[]> liarFiles = new HashMap<>();
  private final List<String> requests = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    good = server("good", goodFiles);
    liar = server("liar", liarFiles);
  }

  private HttpServer server(String name, Map<String, byte[]> files) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext(
        "/",
        ex -> {
          synchronized (requests) {
            requests.add(name + " " + ex.getRequestURI().getPath());
          }
          byte[] body = files.get(ex.getRequestURI().getPath());
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
          }
          ex.close();
        });
    s.start();
    return s;
  }

  @AfterEach
  void stop() {
    good.stop(0);
    liar.stop(0);
  }

  private static URI url(HttpServer s) {
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort() + "/");
  }

  private ManuscriptFetcher fetcher(List<URI> ipfs, List<URI> ar) {
    return new ManuscriptFetcher(
        List.of(), new ManuscriptFetcher.Gateways(ipfs, ar), Duration.ofSeconds(5));
  }

  private static final byte[] MANUSCRIPT =
      """
      name: gateway
      specVersion: v1.0.0
      sources:
        - name: transfers
          type: dataset
          dataset: eth.token_transfers
      sinks:
        - name: token_transfers
          type: dataset
          from: transfers
          primary_key: [block_number, log_index]
      """
          .getBytes(StandardCharsets.UTF_8);

  @Test
  void decodesPublishedCids() {
    assertThat(
            IpfsCid.check(
                    "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
                    "hello world\n".getBytes(StandardCharsets.UTF_8))
                .kind())
        .isEqualTo(IpfsCid.Verdict.Kind.MATCHES);
    assertThat(
            IpfsCid.check(
                    "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
                    "hello world".getBytes(StandardCharsets.UTF_8))
                .kind())
        .isEqualTo(IpfsCid.Verdict.Kind.MISMATCH);
    String emptyRaw = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    assertThat(IpfsCid.check(emptyRaw, new byte[0]).kind()).isEqualTo(IpfsCid.Verdict.Kind.MATCHES);
    assertThat(IpfsCid.check(emptyRaw, new byte[1]).kind())
        .isEqualTo(IpfsCid.Verdict.Kind.MISMATCH);
    // identity multihash ("hello world" inline, from the blockstore-core README): the bytes are the
    // digest
    assertThat(
            IpfsCid.check(
                    "bafkqac3imvwgy3zao5xxe3de", "hello world".getBytes(StandardCharsets.UTF_8))
                .kind())
        .isEqualTo(IpfsCid.Verdict.Kind.MATCHES);
    // a dag-pb file larger than one block cannot be checked from its bytes
    byte[] big = new byte[IpfsCid.SINGLE_BLOCK_MAX + 1];
    assertThat(IpfsCid.check(cidV0(big), big).kind()).isEqualTo(IpfsCid.Verdict.Kind.UNVERIFIABLE);
    assertThatThrownBy(() -> IpfsCid.check("mAXASIA", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multibase 'm'");
    assertThatThrownBy(() -> IpfsCid.check("bafkrei", new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CID bafkrei");
  }

  @Test
  void fetchesIpfsThroughGatewaysSkippingOneThatServesOtherBytes() throws Exception {
    String raw = cidV1Raw(MANUSCRIPT);
    String v0 = cidV0(MANUSCRIPT);
    byte[] other = "name: other\n".getBytes(StandardCharsets.UTF_8);
    liarFiles.put("/ipfs/" + raw, other);
    liarFiles.put("/ipfs/" + v0, other);
    goodFiles.put("/ipfs/" + raw, MANUSCRIPT);
    goodFiles.put("/ipfs/" + v0, MANUSCRIPT);
    ManuscriptFetcher f = fetcher(List.of(url(liar), url(good)), List.of());

    assertThat(f.fetch("ipfs://" + raw)).isEqualTo(MANUSCRIPT);
    assertThat(f.fetch("ipfs://" + v0)).isEqualTo(MANUSCRIPT);
    assertThat(requests)
        .containsExactly(
            "liar /ipfs/" + raw, "good /ipfs/" + raw, "liar /ipfs/" + v0, "good /ipfs/" + v0);

    // Only the lying gateway: refused, naming the CID check.
    ManuscriptFetcher onlyLiar = fetcher(List.of(url(liar)), List.of());
    assertThatThrownBy(() -> onlyLiar.fetch("ipfs://" + raw))
        .isInstanceOf(ManuscriptFetcher.FetchException.class)
        .hasMessageContaining("no gateway served it")
        .hasMessageContaining("do not hash to the CID (raw, sha2-256)");
    assertThatThrownBy(() -> onlyLiar.fetch("ipfs://" + v0))
        .hasMessageContaining("single-block dag-pb UnixFS file");
    // Not found anywhere: each gateway's failure is named.
    assertThatThrownBy(() -> f.fetch("ipfs://" + cidV1Raw(other)))
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining(url(liar).getAuthority())
        .hasMessageContaining(url(good).getAuthority());
  }

  @Test
  void aFileInsideADirectoryCidIsServedUncheckedAndTheResolverStillChecksBothHashes()
      throws Exception {
    String dirCid = cidV1Raw("a directory".getBytes(StandardCharsets.UTF_8));
    goodFiles.put("/ipfs/" + dirCid + "/m.yaml", MANUSCRIPT);
    liarFiles.put("/ipfs/" + dirCid + "/m.yaml", MANUSCRIPT);
    liarFiles.put("/ipfs/" + dirCid + "/bad.yaml", "name: x\n".getBytes(StandardCharsets.UTF_8));
    ManuscriptFetcher f = fetcher(List.of(url(good)), List.of());
    assertThat(f.fetch("ipfs://" + dirCid + "/m.yaml")).isEqualTo(MANUSCRIPT);

    // Through the resolver: the registered hashes decide (the liar's bytes are refused).
    Map<String, ManuscriptDirectory.Listing> registry = new HashMap<>();
    registry.put(
        HexFormat.of().formatHex(Keccak.hash(MANUSCRIPT)),
        new ManuscriptDirectory.Listing(
            sha256(MANUSCRIPT),
            ManuscriptDirectory.Status.ACTIVE,
            "ipfs://" + dirCid + "/bad.yaml"));
    ManuscriptResolver resolver =
        new ManuscriptResolver(
            h -> Optional.ofNullable(registry.get(HexFormat.of().formatHex(h))),
            fetcher(List.of(url(liar)), List.of()),
            dir.resolve("cache"),
            "eth");
    assertThatThrownBy(() -> resolver.resolve(Keccak.hash(MANUSCRIPT)))
        .isInstanceOf(TaskRefusedException.class)
        .satisfies(
            e ->
                assertThat(((TaskRefusedException) e).reason())
                    .isEqualTo(TaskRefusedException.Reason.MANUSCRIPT_HASH_MISMATCH));
    registry.put(
        HexFormat.of().formatHex(Keccak.hash(MANUSCRIPT)),
        new ManuscriptDirectory.Listing(
            sha256(MANUSCRIPT), ManuscriptDirectory.Status.ACTIVE, "ipfs://" + dirCid + "/m.yaml"));
    assertThat(resolver.resolve(Keccak.hash(MANUSCRIPT)).hash()).isEqualTo(Keccak.hash(MANUSCRIPT));
  }

  @Test
  void fetchesArweaveThroughGatewaysInOrder() throws Exception {
    String tx = "bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U";
    goodFiles.put("/" + tx, MANUSCRIPT);
    ManuscriptFetcher f = fetcher(List.of(), List.of(url(liar), url(good)));
    assertThat(f.fetch("ar://" + tx)).isEqualTo(MANUSCRIPT);
    assertThat(requests).containsExactly("liar /" + tx, "good /" + tx);
    assertThatThrownBy(() -> f.fetch("ar://short"))
        .isInstanceOf(ManuscriptFetcher.FetchException.class)
        .hasMessageContaining("not ar://TXID");
  }

  @Test
  void refusesWithoutGatewaysAndBadLocators() {
    ManuscriptFetcher none = fetcher(List.of(), List.of());
    assertThatThrownBy(() -> none.fetch("ipfs://" + cidV1Raw(MANUSCRIPT)))
        .isInstanceOf(ManuscriptFetcher.FetchException.class)
        .hasMessageContaining("no IPFS gateway configured (manuscript_gateways.ipfs");
    assertThatThrownBy(() -> none.fetch("ar://bNbA3TEQVL60xlgCcqdz4ZPHFZ711cZ3hmkpGttDt_U"))
        .hasMessageContaining("no Arweave gateway configured (manuscript_gateways.ar");
    ManuscriptFetcher f = fetcher(List.of(url(good)), List.of());
    assertThatThrownBy(() -> f.fetch("ipfs://bafy")).hasMessageContaining("not ipfs://CID[/path]");
    assertThatThrownBy(() -> f.fetch("ipfs://" + cidV1RawUnchecked() + "/../../etc/passwd"))
        .hasMessageContaining("not ipfs://CID[/path]");
    assertThatThrownBy(
            () -> new ManuscriptFetcher.Gateways(List.of(URI.create("ftp://gw")), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPFS gateway ftp://gw is not an http(s)://host[:port] URL");
  }

  @Test
  void theSizeLimitHoldsThroughGateways() {
    String cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
    goodFiles.put("/ipfs/" + cid, new byte[ManuscriptFetcher.MAX_BYTES + 1]);
    assertThatThrownBy(() -> fetcher(List.of(url(good)), List.of()).fetch("ipfs://" + cid))
        .hasMessageContaining("body larger than " + ManuscriptFetcher.MAX_BYTES + " bytes");
  }

  private static String cidV1RawUnchecked() {
    try {
      return cidV1Raw(MANUSCRIPT);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- CID encoders for the test's own content (the decoder is anchored on published vectors)

  private static String cidV1Raw(byte[] bytes) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x01);
    b.write(0x55);
    b.write(0x12);
    b.write(0x20);
    b.write(sha256(bytes));
    return "b" + base32(b.toByteArray());
  }

  private static String cidV0(byte[] bytes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x12);
    b.write(0x20);
    b.writeBytes(sha256(IpfsCid.unixFsFileNode(bytes)));
    return base58(b.toByteArray());
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base32(byte[] b) {
    String a = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder s = new StringBuilder();
    int buf = 0;
    int bits = 0;
    for (byte x : b) {
      buf = (buf << 8) | (x & 0xff);
      bits += 8;
      while (bits >= 5) {
        s.append(a.charAt((buf >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      s.append(a.charAt((buf << (5 - bits)) & 31));
    }
    return s.toString();
  }

  private static String base58(byte[] b) {
    String a = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    BigInteger v = new BigInteger(1, b);
    StringBuilder s = new StringBuilder();
    while (v.signum() > 0) {
      BigInteger[] qr = v.divideAndRemainder(BigInteger.valueOf(58));
      s.append(a.charAt(qr[1].intValue()));
      v = qr[0];
    }
    for (int i = 0; i < b.length && b[i] == 0; i++) {
      s.append('1');
    }
    return s.reverse().toString();
  }
}
