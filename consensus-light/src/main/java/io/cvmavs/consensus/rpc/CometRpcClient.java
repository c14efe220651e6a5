package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.consensus.light.InputException;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.SignedHeader;
import io.cvmavs.consensus.light.Validator;
import io.cvmavs.consensus.light.ValidatorSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Client of a CometBFT v0.38 node's RPC (JSON-RPC 2.0 over HTTP POST, subscriptions over the {@code
 * /websocket} endpoint): status, block, commit, validators (all pages), broadcast_tx_sync /
 * _commit, abci_query, tx_search and subscribe. Every answer's id is checked against the request's;
 * a JSON-RPC error becomes an {@link RpcException} carrying its code, message and data.
 */
public final class CometRpcClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VALIDATORS_PER_PAGE = 100;

  private final URI base;

  /** {@link #base} as messages show it: the secrets hosted RPC providers put in URLs hidden. */
  private final String shown;

  private final HttpClient http;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();

  /**
   * @param base the node's RPC address, e.g. {@code http://127.0.0.1:26657}
   */
  public CometRpcClient(URI base, Duration timeout) {
    if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
      throw new IllegalArgumentException(
          "CometBFT RPC address must be http(s)://host:port, got "
              + RpcUrls.redact(base.toString()));
    }
    this.base = base;
    this.shown = RpcUrls.redact(base.toString());
    this.timeout = timeout;
    // CometBFT's RPC speaks HTTP/1.1; the JDK's default (HTTP/2 with an h2c upgrade on plain http)
    // only adds an upgrade round trip a node never accepts.
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .build();
  }

  /** The node's RPC address as messages show it: secrets in the URL redacted. */
  @Override
  public String toString() {
    return shown;
  }

  /** Calls {@code method} with named {@code params}; returns the JSON-RPC {@code result}. */
  public JsonNode call(String method, ObjectNode params) throws RpcException {
    long id = ids.incrementAndGet();
    ObjectNode request =
        JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
    request.set("params", params == null ? JSON.createObjectNode() : params);
    HttpRequest http =
        HttpRequest.newBuilder(base)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(request.toString()))
            .build();
    HttpResponse<String> response;
    try {
      response = this.http.send(http, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new RpcException(method + " at " + shown + ": " + describe(e), 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(method + " at " + shown + ": interrupted", 0, e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new RpcException(
          method + " at " + shown + ": HTTP " + response.statusCode() + ", body is not JSON", 0, e);
    }
    return result(method, id, body);
  }

  /**
   * An I/O failure as text: the JDK's HTTP client throws e.g. a {@code ConnectException} without a
   * message for a refused connection, so the class (and the cause, when there is one) is named.
   */
  static String describe(IOException e) {
    String text = e.toString();
    Throwable cause = e.getCause();
    if (e.getMessage() == null && cause != null && cause != e) {
      text += " (" + cause + ")";
    }
    return text;
  }

  private RpcException shape(String method, String problem) {
    return new RpcException(method + " at " + shown + ": " + problem);
  }

  private JsonNode result(String method, long id, JsonNode body) throws RpcException {
    JsonNode error = body.get("error");
    if (error != null && !error.isNull()) {
      String data = error.path("data").asText("");
      throw new RpcException(
          method
              + " at "
              + shown
              + ": JSON-RPC error "
              + error.path("code").asInt()
              + " "
              + error.path("message").asText()
              + (data.isEmpty() ? "" : ": " + data),
          error.path("code").asInt(),
          null);
    }
    if (!body.path("id").asText().equals(Long.toString(id))) {
      throw shape(method, "answer id " + body.get("id") + " is not the request id " + id);
    }
    JsonNode result = body.get("result");
    if (result == null || result.isNull()) {
      throw shape(method, "answer has no result");
    }
    return result;
  }

  public RpcTypes.Status status() throws RpcException {
    JsonNode r = call("status", null);
    JsonNode sync = r.path("sync_info");
    JsonNode node = r.path("node_info");
    return new RpcTypes.Status(
        node.path("id").asText(),
        node.path("network").asText(),
        node.path("version").asText(),
        longOf("status", sync, "latest_block_height"),
        sync.path("latest_block_hash").asText(),
        sync.path("latest_app_hash").asText(),
        time("status", sync, "latest_block_time"),
        longOf("status", sync, "earliest_block_height"),
        sync.path("catching_up").asBoolean(),
        r);
  }

  /** The block at {@code height}, or the latest when {@code null}. */
  public RpcTypes.Block block(Long height) throws RpcException {
    JsonNode r = call("block", heightParam(height));
    try {
      List<byte[]> txs = new ArrayList<>();
      for (JsonNode tx : r.path("block").path("data").path("txs")) {
        txs.add(Base64.getDecoder().decode(tx.asText()));
      }
      return new RpcTypes.Block(
          r.path("block_id").path("hash").asText(),
          LightJson.header(r.path("block").path("header"), "block.header"),
          txs,
          r);
    } catch (InputException | IllegalArgumentException e) {
      throw shape("block", e.getMessage());
    }
  }

  /** The signed header at {@code height} (latest when {@code null}). */
  public SignedHeader commit(Long height) throws RpcException {
    JsonNode r = call("commit", heightParam(height));
    try {
      return LightJson.signedHeader(r.path("signed_header"), "commit.signed_header");
    } catch (InputException e) {
      throw shape("commit", e.getMessage());
    }
  }

  /** The whole validator set at {@code height} (latest when {@code null}), reading every page. */
  public ValidatorSet validators(Long height) throws RpcException {
    List<Validator> all = new ArrayList<>();
    long total = Long.MAX_VALUE;
    for (int page = 1; all.size() < total; page++) {
      ObjectNode params =
          heightParam(height)
              .put("page", Integer.toString(page))
              .put("per_page", Integer.toString(VALIDATORS_PER_PAGE));
      JsonNode r = call("validators", params);
      total = longOf("validators", r, "total");
      try {
        List<Validator> pageVals = LightJson.validatorSet(r, "validators").validators();
        if (pageVals.isEmpty()) {
          throw shape(
              "validators",
              "page " + page + " is empty but " + all.size() + " of " + total + " were read");
        }
        all.addAll(pageVals);
      } catch (InputException e) {
        throw shape("validators", e.getMessage());
      }
    }
    try {
      return new ValidatorSet(all);
    } catch (IllegalArgumentException e) {
      throw shape("validators", e.getMessage());
    }
  }

  public RpcTypes.TxSync broadcastTxSync(byte[] tx) throws RpcException {
    JsonNode r = call("broadcast_tx_sync", txParam(tx));
    return new RpcTypes.TxSync(
        r.path("code").asInt(),
        r.path("hash").asText(),
        r.path("log").asText(),
        r.path("codespace").asText(),
        r);
  }

  public RpcTypes.TxCommit broadcastTxCommit(byte[] tx) throws RpcException {
    JsonNode r = call("broadcast_tx_commit", txParam(tx));
    return new RpcTypes.TxCommit(
        r.path("check_tx").path("code").asInt(),
        r.path("tx_result").path("code").asInt(),
        r.path("hash").asText(),
        longOf("broadcast_tx_commit", r, "height"),
        r);
  }

  /** {@code abci_query} with {@code data} as hex; {@code height} 0 means the latest. */
  public RpcTypes.Query abciQuery(String path, byte[] data, long height, boolean prove)
      throws RpcException {
    ObjectNode params =
        JSON.createObjectNode()
            .put("path", path)
            .put("data", HexFormat.of().formatHex(data))
            .put("height", Long.toString(height))
            .put("prove", prove);
    JsonNode q = call("abci_query", params).path("response");
    return new RpcTypes.Query(
        q.path("code").asInt(),
        base64(q.path("key")),
        base64(q.path("value")),
        q.path("height").asLong(),
        q.path("log").asText(),
        q);
  }

  public RpcTypes.TxSearch txSearch(String query, boolean prove, int page, int perPage)
      throws RpcException {
    ObjectNode params =
        JSON.createObjectNode()
            .put("query", query)
            .put("prove", prove)
            .put("page", Integer.toString(page))
            .put("per_page", Integer.toString(perPage))
            .put("order_by", "asc");
    JsonNode r = call("tx_search", params);
    List<RpcTypes.Tx> txs = new ArrayList<>();
    for (JsonNode t : r.path("txs")) {
      txs.add(
          new RpcTypes.Tx(
              t.path("hash").asText(),
              longOf("tx_search", t, "height"),
              t.path("index").asInt(),
              base64(t.path("tx")),
              t.path("tx_result").path("code").asInt(),
              t));
    }
    return new RpcTypes.TxSearch(longOf("tx_search", r, "total_count"), txs);
  }

  /**
   * Subscribes over the node's {@code /websocket} endpoint to events matching {@code query} (e.g.
   * {@code tm.event='NewBlock'}). Returns once the node accepted the subscription; {@code onEvent}
   * then receives each event on the WebSocket's thread. A refused query fails with the node's
   * JSON-RPC error.
   */
  public Subscription subscribe(String query, Consumer<RpcTypes.Event> onEvent)
      throws RpcException {
    URI ws =
        URI.create(
            (base.getScheme().equals("https") ? "wss" : "ws")
                + "://"
                + base.getRawAuthority()
                + "/websocket");
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> ack = new CompletableFuture<>();
    Subscription subscription = new Subscription(query, id, ack, onEvent);
    WebSocket socket;
    try {
      socket =
          http.newWebSocketBuilder()
              .connectTimeout(timeout)
              .buildAsync(ws, subscription)
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      ObjectNode request =
          JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", "subscribe");
      request.putObject("params").put("query", query);
      socket.sendText(request.toString(), true);
      JsonNode answer = ack.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      subscription.socket = socket;
      result("subscribe", id, answer);
      return subscription;
    } catch (ExecutionException e) {
      throw new RpcException(
          "subscribe at " + RpcUrls.redact(ws.toString()) + ": " + e.getCause().getMessage(),
          0,
          e.getCause());
    } catch (TimeoutException e) {
      throw new RpcException(
          "subscribe at " + RpcUrls.redact(ws.toString()) + ": no answer within " + timeout, 0, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(
          "subscribe at " + RpcUrls.redact(ws.toString()) + ": interrupted", 0, e);
    } catch (RpcException e) {
      subscription.close();
      throw e;
    }
  }

  /** An open subscription; {@link #close()} ends it. */
  public static final class Subscription implements WebSocket.Listener, AutoCloseable {
    private final String query;
    private final long id;
    private final CompletableFuture<JsonNode> ack;
    private final Consumer<RpcTypes.Event> onEvent;
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;

    Subscription(
        String query, long id, CompletableFuture<JsonNode> ack, Consumer<RpcTypes.Event> onEvent) {
      this.query = query;
      this.id = id;
      this.ack = ack;
      this.onEvent = onEvent;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        handle(text);
      }
      webSocket.request(1);
      return null;
    }

    private void handle(String text) {
      JsonNode message;
      try {
        message = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        ack.completeExceptionally(new RpcException("subscription message is not JSON"));
        return;
      }
      JsonNode result = message.get("result");
      if (!ack.isDone()) {
        ack.complete(message);
        if (result == null || result.isEmpty()) {
          return;
        }
      }
      if (result != null && result.has("data")) {
        JsonNode data = result.get("data");
        onEvent.accept(
            new RpcTypes.Event(
                result.path("query").asText(query),
                data.path("type").asText(),
                data.path("value"),
                result.path("events")));
      }
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ack.completeExceptionally(error);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ack.completeExceptionally(
          new RpcException("WebSocket closed by the node: " + statusCode + " " + reason));
      return null;
    }

    /** The request id of the subscription. */
    public long id() {
      return id;
    }

    @Override
    public void close() {
      WebSocket s = socket;
      if (s != null) {
        s.sendClose(WebSocket.NORMAL_CLOSURE, "unsubscribe").orTimeout(5, TimeUnit.SECONDS);
      }
    }
  }

  /** Closes the HTTP client (its connections and selector thread). */
  @Override
  public void close() {
    http.close();
  }

  private static ObjectNode heightParam(Long height) {
    ObjectNode p = JSON.createObjectNode();
    if (height != null) {
      p.put("height", Long.toString(height));
    }
    return p;
  }

  private static ObjectNode txParam(byte[] tx) {
    return JSON.createObjectNode().put("tx", Base64.getEncoder().encodeToString(tx));
  }

  private static byte[] base64(JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode()
        ? new byte[0]
        : Base64.getDecoder().decode(n.asText());
  }

  private long longOf(String method, JsonNode n, String field) throws RpcException {
    JsonNode v = n.get(field);
    try {
      if (v != null && (v.isIntegralNumber() || v.isTextual())) {
        return v.isTextual() ? Long.parseLong(v.asText()) : v.asLong();
      }
    } catch (NumberFormatException e) {
      throw shape(method, field + " '" + v.asText() + "' is not an integer");
    }
    throw shape(method, "answer has no integer " + field);
  }

  private Instant time(String method, JsonNode n, String field) throws RpcException {
    try {
      return Instant.parse(n.path(field).asText());
    } catch (DateTimeParseException e) {
      throw shape(method, field + " '" + n.path(field).asText() + "' is not an RFC 3339 time");
    }
  }
}
