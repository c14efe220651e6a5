package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.consensus.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC server on 127.0.0.1 answering {@code commit} and {@code validators} with Celestia
 * mocha-4's recorded answers for the asked height ({@code commit.json}, {@code validators_1.json};
 * only the JSON-RPC id is rewritten), and a JSON-RPC error for a height without a recording, as a
 * node does for a height it does not have. {@code status} is made here (nothing recorded for
 * mocha-4): its latest height is {@link #latest}, which tests move. No CometBFT binary can run
 * here.
 */
final class CelestiaNode implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  final AtomicLong latest = new AtomicLong(10001);
  private final HttpServer server;

  CelestiaNode() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          ObjectNode answer = answer(request);
          answer.set("id", request.get("id"));
          byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  private ObjectNode answer(JsonNode request) throws IOException {
    String method = request.path("method").asText();
    if (method.equals("status")) {
      ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
      ObjectNode result = answer.putObject("result");
      result
          .putObject("node_info")
          .put("network", "mocha-4")
          .put("id", "recorded")
          .put("version", "0.34.x");
      result
          .putObject("sync_info")
          .put("latest_block_height", Long.toString(latest.get()))
          .put("latest_block_time", "2023-09-27T20:25:50.592129809Z")
          .put("earliest_block_height", "1")
          .put("catching_up", false);
      return answer;
    }
    String height = request.path("params").path("height").asText();
    Path file =
        TestData.cometbft(
            "celestia-mocha-4",
            height,
            method.equals("commit") ? "commit.json" : "validators_1.json");
    if (Files.exists(file)) {
      return (ObjectNode) JSON.readTree(file.toFile());
    }
    ObjectNode answer = JSON.createObjectNode().put("jsonrpc", "2.0");
    answer
        .putObject("error")
        .put("code", -32603)
        .put("message", "Internal error")
        .put("data", "height " + height + " is not available");
    return answer;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
