package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CVM chain node that lies: an HTTP proxy on 127.0.0.1 in front of a real node's RPC that passes
 * every request through and, in the answers to {@code abci_query /certificate/<h>}, changes the
 * checkpoint's {@code withdrawals_root} (signature, key and bitmap untouched). Test-only.
 */
final class LyingRpcProxy implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI upstream;
  final AtomicInteger tampered = new AtomicInteger();

  LyingRpcProxy(URI upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder req =
          HttpRequest.newBuilder(upstream.resolve(ex.getRequestURI().toString()))
              .header("Content-Type", "application/json");
      req =
          ex.getRequestMethod().equals("POST")
              ? req.POST(HttpRequest.BodyPublishers.ofByteArray(body))
              : req.GET();
      byte[] answer;
      int status;
      try {
        HttpResponse<byte[]> r = client.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        status = r.statusCode();
        answer = r.body();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      String request = new String(body, StandardCharsets.UTF_8) + ex.getRequestURI();
      if (request.contains("/certificate/")) {
        answer = tamper(answer);
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, answer.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(answer);
      }
    }
  }

  private byte[] tamper(byte[] answer) throws IOException {
    JsonNode root = JSON.readTree(answer);
    JsonNode response = root.path("result").path("response");
    if (!(response instanceof ObjectNode r) || response.path("value").asText().isEmpty()) {
      return answer;
    }
    ObjectNode cert =
        (ObjectNode) JSON.readTree(Base64.getDecoder().decode(r.get("value").asText()));
    String root32 = cert.get("withdrawals_root").asText();
    char last = root32.charAt(root32.length() - 1);
    cert.put(
        "withdrawals_root", root32.substring(0, root32.length() - 1) + (last == '0' ? '1' : '0'));
    r.put("value", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(cert)));
    tampered.incrementAndGet();
    return JSON.writeValueAsBytes(root);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
