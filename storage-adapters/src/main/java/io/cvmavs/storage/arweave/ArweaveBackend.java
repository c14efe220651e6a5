package io.cvmavs.storage.arweave;

import static io.cvmavs.storage.arweave.ArweaveWallet.B64;
import static io.cvmavs.storage.arweave.ArweaveWallet.UNB64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import io.cvmavs.storage.backend.BackendException;
import io.cvmavs.storage.backend.Receipt;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.chunk.ArweaveMerkle;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.GroupHeader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Block groups as Arweave format-2 transactions through a gateway's HTTP API ({@code /tx_anchor},
 * {@code /price/{bytes}}, {@code POST /tx}, {@code POST /chunk}, {@code /tx/{id}/status}, {@code
 * /{id}}). The locator is the transaction id. Tags: {@code App-Name}, {@code Content-Type}, {@code
 * Start-Block}, {@code End-Block}, {@code Group-Hash} and, when the group names one, {@code
 * Last-Group-Tx} (the previous group's transaction on this backend).
 *
 * <p>{@link #prepare} signs (once) and {@link #post} uploads a signed transaction, re-posting the
 * same bytes as often as needed; {@link #put} does both, for callers without an outbox.
 */
public final class ArweaveBackend implements StorageBackend {
  public static final String APP_NAME = "cvm-avs";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final URI gateway;
  private final ArweaveWallet wallet;
  private final HttpClient http;

  public ArweaveBackend(String name, URI gateway, ArweaveWallet wallet) {
    this.name = name;
    this.gateway = gateway;
    this.wallet = wallet;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public String name() {
    return name;
  }

  /** The tags of a group file (a file that is not a group gets App-Name and Content-Type only). */
  public List<ArweaveTx.Tag> tags(byte[] file) {
    List<ArweaveTx.Tag> tags = new ArrayList<>();
    tags.add(new ArweaveTx.Tag("App-Name", APP_NAME));
    tags.add(new ArweaveTx.Tag("Content-Type", "application/vnd.cvm-avs.block-group"));
    GroupHeader h = BlockGroup.parse(file).header();
    tags.add(new ArweaveTx.Tag("Start-Block", Long.toString(h.firstHeight())));
    tags.add(new ArweaveTx.Tag("End-Block", Long.toString(h.lastHeight())));
    tags.add(new ArweaveTx.Tag("Group-Hash", HexFormat.of().formatHex(h.groupHash())));
    String last = h.previousOn(name);
    if (last != null) {
      tags.add(new ArweaveTx.Tag("Last-Group-Tx", last));
    }
    return tags;
  }

  /** Signs a transaction for {@code file} (anchor and price from the gateway). */
  public ArweaveTx prepare(byte[] file) {
    List<ArweaveTx.Tag> tags = tags(file);
    byte[] anchor = UNB64.decode(text("GET", "/tx_anchor").trim());
    String reward = text("GET", "/price/" + file.length).trim();
    if (!reward.matches("\\d+")) {
      throw new BackendException("gateway price is not a number of winston: " + reward, true);
    }
    return ArweaveTx.sign(wallet, file, tags, anchor, reward);
  }

  /**
   * Posts a signed transaction and its data: one request with the data inline for a single chunk,
   * else the header then every chunk with its data_path. Re-posting is harmless: a header the
   * gateway already has is not sent again, chunks are.
   */
  public Receipt post(ArweaveTx tx, byte[] file) {
    tx.verify(file);
    ArweaveMerkle tree = ArweaveMerkle.of(file);
    boolean inline = tree.chunks().size() == 1;
    if (!exists(
        tx.id())) { // a gateway that has it answers a re-post with an error (arlocal) or 208
      send("POST", "/tx", tx.toJson(inline ? file : null).toString());
    }
    if (!inline) {
      for (int i = 0; i < tree.chunks().size(); i++) {
        ArweaveMerkle.Chunk c = tree.chunks().get(i);
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("data_root", B64.encodeToString(tx.dataRoot()));
        chunk.put("data_size", Long.toString(file.length));
        chunk.put("data_path", B64.encodeToString(tree.dataPath(i)));
        chunk.put("offset", Long.toString(c.end() - 1));
        chunk.put(
            "chunk", B64.encodeToString(Arrays.copyOfRange(file, (int) c.start(), (int) c.end())));
        send("POST", "/chunk", chunk.toString());
      }
    }
    return new Receipt(name, tx.id(), file.length, StorageBackend.sha256Hex(file));
  }

  @Override
  public Receipt put(byte[] file) {
    return post(prepare(file), file);
  }

  /** Confirmations of a transaction; empty while it is pending or unknown. */
  public Optional<Long> confirmations(String id) {
    HttpResponse<byte[]> r = request("GET", "/tx/" + id + "/status", null);
    if (r.statusCode() != 200) {
      return Optional.empty(); // 202 Pending (arweave.net), 404 unknown
    }
    JsonNode s;
    try {
      s = JSON.readTree(r.body());
    } catch (IOException e) {
      return Optional.empty(); // arlocal answers a pending transaction with 200 "Pending"
    }
    if (s == null || !s.has("number_of_confirmations")) {
      return Optional.empty();
    }
    return Optional.of(s.get("number_of_confirmations").asLong());
  }

  /** Polls the status until {@code depth} confirmations, with backoff; false at the deadline. */
  public boolean awaitConfirmations(
      String id, long depth, Duration timeout, Backoff backoff, Sleeper sleeper)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    for (int attempt = 1; ; attempt++) {
      Optional<Long> c = confirmations(id);
      if (c.isPresent() && c.get() >= depth) {
        return true;
      }
      if (Instant.now().isAfter(deadline)) {
        return false;
      }
      sleeper.sleep(backoff.delay(attempt));
    }
  }

  @Override
  public Optional<byte[]> get(Receipt receipt) {
    return get(receipt.locator()).map(b -> StorageBackend.checked(receipt, b));
  }

  @Override
  public Optional<byte[]> get(String id) {
    checkId(id);
    HttpResponse<byte[]> r = request("GET", "/" + id, null);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() != 200) {
      throw new BackendException(
          "gateway answered " + r.statusCode() + " for the data of " + id, true);
    }
    return Optional.of(r.body());
  }

  /** The signed transaction header as the gateway has it ({@code GET /tx/{id}}). */
  public Optional<ArweaveTx> transaction(String id) {
    checkId(id);
    HttpResponse<byte[]> r = request("GET", "/tx/" + id, null);
    if (r.statusCode() != 200) {
      return Optional.empty();
    }
    try {
      return Optional.of(ArweaveTx.fromJson(JSON.readTree(r.body())));
    } catch (IOException e) {
      throw new BackendException("gateway transaction " + id + " is not JSON", true, e);
    }
  }

  @Override
  public boolean exists(String id) {
    checkId(id);
    int code = request("GET", "/tx/" + id + "/status", null).statusCode();
    return code == 200 || code == 202;
  }

  private static void checkId(String id) {
    if (!id.matches("[A-Za-z0-9_-]{43}")) {
      throw new BackendException("'" + id + "' is not an Arweave transaction id", false);
    }
  }

  private String text(String method, String path) {
    HttpResponse<byte[]> r = request(method, path, null);
    if (r.statusCode() != 200) {
      throw new BackendException(
          "gateway " + path + " answered " + r.statusCode() + ": " + new String(r.body()), true);
    }
    return new String(r.body());
  }

  private void send(String method, String path, String body) {
    HttpResponse<byte[]> r = request(method, path, body);
    if (r.statusCode() != 200 && r.statusCode() != 208) {
      throw new BackendException(
          "gateway "
              + method
              + " "
              + path
              + " answered "
              + r.statusCode()
              + ": "
              + new String(r.body()),
          r.statusCode() >= 500 || r.statusCode() == 429);
    }
  }

  private HttpResponse<byte[]> request(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(gateway.resolve(path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new BackendException(
          "gateway " + gateway + " unreachable (" + method + " " + path + "): " + e.getMessage(),
          true,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted during " + method + " " + path, true, e);
    }
  }
}
