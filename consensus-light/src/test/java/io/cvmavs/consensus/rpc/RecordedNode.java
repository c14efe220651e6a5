package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.TestData;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A tiny HTTP + WebSocket server on 127.0.0.1 that answers CometBFT RPC requests with the real
 * answers a CometBFT v0.38 node gave (../shared/testdata/cometbft/kvstore-v0.38; validators from
 * Celestia mocha-4, since the kvstore recording has no /validators answer). No CometBFT binary can
 * run here (DESIGN.md 7), so this replays recordings: the only change made to an answer is its
 * JSON-RPC {@code id}, set to the request's. Requests are kept for tests to inspect.
 */
final class RecordedNode implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  RecordedNode() throws Exception {
    server =
        vertx
            .createHttpServer()
            .webSocketHandler(this::websocket)
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              JsonNode request = read(body.toString());
                              requests.add(request);
                              req.response()
                                  .putHeader("Content-Type", "application/json")
                                  .end(answer(request).toString());
                            }))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  private static JsonNode read(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode recorded(String file) {
    Path p = TestData.cometbft("kvstore-v0.38", file);
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode answer(JsonNode request) {
    String method = request.path("method").asText();
    JsonNode params = request.path("params");
    String file =
        switch (method) {
          case "status" -> "status.json";
          case "block" -> "block_at_height_" + params.path("height").asText("10") + ".json";
          case "commit" -> "commit_at_height_" + params.path("height").asText("10") + ".json";
          case "broadcast_tx_sync" -> "broadcast_tx_sync.json";
          case "broadcast_tx_commit" -> "broadcast_tx_commit.json";
          case "abci_query" ->
              params.path("data").asText().equals("747830")
                  ? "abci_query_with_existing_key.json"
                  : "abci_query_with_non_existent_key.json";
          case "tx_search" ->
              params.path("prove").asBoolean()
                  ? "tx_search_with_prove.json"
                  : "tx_search_no_prove.json";
          default -> null;
        };
    ObjectNode answer;
    if (method.equals("validators")) {
      try {
        answer =
            (ObjectNode)
                JSON.readTree(
                    TestData.cometbft("celestia-mocha-4", "157001", "validators_1.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } else if (file == null) {
      answer = JSON.createObjectNode().put("jsonrpc", "2.0");
      answer.putObject("error").put("code", -32601).put("message", "Method not found");
    } else {
      answer = (ObjectNode) recorded(file);
    }
    answer.set("id", request.get("id"));
    return answer;
  }

  /**
   * Subscriptions: the recorded acknowledgement and five recorded events, or the recorded error.
   */
  private void websocket(ServerWebSocket ws) {
    if (!ws.path().equals("/websocket")) {
      ws.close((short) 1008, "no such endpoint");
      return;
    }
    ws.textMessageHandler(
        text -> {
          JsonNode request = read(text);
          requests.add(request);
          String query = request.path("params").path("query").asText();
          String prefix =
              switch (query) {
                case "tm.event='NewBlock'" -> "subscribe_newblock";
                case "tm.event='Tx'" -> "subscribe_txs";
                default -> null;
              };
          if (prefix == null) {
            ObjectNode error = (ObjectNode) recorded("subscribe_malformed.json");
            error.set("id", request.get("id"));
            ws.writeTextMessage(error.toString());
            return;
          }
          ObjectNode ack = JSON.createObjectNode().put("jsonrpc", "2.0");
          ack.set("id", request.get("id"));
          ack.putObject("result");
          ws.writeTextMessage(ack.toString());
          for (int i = 0; i < 5; i++) {
            ObjectNode event = (ObjectNode) recorded(prefix + "_" + i + ".json");
            event.set("id", request.get("id"));
            ws.writeTextMessage(event.toString());
          }
        });
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
