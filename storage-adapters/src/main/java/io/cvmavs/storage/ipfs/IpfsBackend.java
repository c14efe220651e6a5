package io.cvmavs.storage.ipfs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.backend.StorageBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Block groups on IPFS through the Kubo RPC API ({@code POST /api/v0/add|cat|pin/add|block/stat}):
 * {@code add} with {@code cid-version=1}, raw leaves, 256 KiB chunks, pinned. The locator is the
 * CID, which is recomputed here ({@link UnixFsCid}) before the upload and compared with the node's
 * answer, and recomputed again over every download: a node that answers another CID or other bytes
 * is refused. Works with a real Kubo daemon (its API address, {@code http://127.0.0.1:5001}) and
 * with the tests' Helia daemon ({@code tools/ipfs/helia-rpc.mjs}).
 */
public final class IpfsBackend implements StorageBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String name;
  private final URI api;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public IpfsBackend(String name, URI api) {
    this.name = name;
    this.api = api;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Receipt put(byte[] file) {
    String cid = UnixFsCid.of(file);
    String boundary = "cvm-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream(file.length + 256);
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"group.cvmg\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.writeBytes(file);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    HttpResponse<byte[]> r =
        call(
            "add?cid-version=1&raw-leaves=true&chunker=size-" + UnixFsCid.CHUNK + "&pin=true",
            HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
            "multipart/form-data; boundary=" + boundary);
    String answered = json(r, "add").path("Hash").asText();
    if (!cid.equals(answered)) {
      throw new BackendException(
          "IPFS node "
              + api
              + " added the group as "
              + answered
              + " but its CID (cid v1, 256 KiB chunks, raw leaves, balanced) is "
              + cid,
          false);
    }
    json(call("pin/add?arg=" + enc(cid), HttpRequest.BodyPublishers.noBody(), null), "pin/add");
    return new Receipt(name, cid, file.length, StorageBackend.sha256Hex(file));
  }

  @Override
  public Optional<byte[]> get(Receipt receipt) {
    return get(receipt.locator()).map(b -> StorageBackend.checked(receipt, b));
  }

  @Override
  public Optional<byte[]> get(String cid) {
    if (!exists(cid)) {
      return Optional.empty();
    }
    HttpResponse<byte[]> r = call("cat?arg=" + enc(cid), HttpRequest.BodyPublishers.noBody(), null);
    if (r.statusCode() != 200) {
      throw new BackendException(
          "IPFS cat " + cid + " answered " + r.statusCode() + ": " + new String(r.body()), true);
    }
    String again = UnixFsCid.of(r.body());
    if (!again.equals(cid)) {
      throw new BackendException(
          "IPFS node returned " + r.body().length + " bytes for " + cid + " that hash to " + again,
          true);
    }
    return Optional.of(r.body());
  }

  @Override
  public Optional<String> locatorFor(byte[] file) {
    return Optional.of(UnixFsCid.of(file));
  }

  @Override
  public boolean exists(String cid) {
    if (!cid.matches("b[a-z2-7]{20,}")) {
      throw new BackendException("'" + cid + "' is not a CIDv1 in base32", false);
    }
    return call("block/stat?arg=" + enc(cid), HttpRequest.BodyPublishers.noBody(), null)
            .statusCode()
        == 200;
  }

  private JsonNode json(HttpResponse<byte[]> r, String what) {
    if (r.statusCode() != 200) {
      throw new BackendException(
          "IPFS " + what + " answered " + r.statusCode() + ": " + new String(r.body()),
          r.statusCode() >= 500);
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new BackendException("IPFS " + what + " answer is not JSON", true, e);
    }
  }

  private HttpResponse<byte[]> call(
      String path, HttpRequest.BodyPublisher body, String contentType) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(api.resolve("/api/v0/" + path))
            .timeout(Duration.ofSeconds(120))
            .POST(body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new BackendException("IPFS node " + api + " unreachable: " + e.getMessage(), true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted during IPFS " + path, true, e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
