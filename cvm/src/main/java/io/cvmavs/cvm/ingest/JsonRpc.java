package io.cvmavs.cvm.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal JSON-RPC 2.0 client over HTTP for the methods web3j has no typed call for ({@code
 * debug_traceBlockByNumber}, {@code trace_block}) and for the network UDFs. The answer's {@code
 * result} is returned as a tree; an {@code error} answer is a {@link RpcError}.
 */
public final class JsonRpc {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The node answered with a JSON-RPC error object. */
  public static final class RpcError extends IOException {
    private final long code;

    public RpcError(String method, long code, String message) {
      super(method + ": " + message + " (code " + code + ")");
      this.code = code;
    }

    public long code() {
      return code;
    }

    /** Whether the node says it does not offer the method (code -32601 or its usual wording). */
    public boolean methodMissing() {
      String m = getMessage().toLowerCase(java.util.Locale.ROOT);
      return code == -32601
          || m.contains("method not found")
          || m.contains("not supported")
          || m.contains("does not exist")
          || m.contains("not available");
    }
  }

  private final URI endpoint;
  private final HttpClient client;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();

  public JsonRpc(URI endpoint, Duration timeout) {
    this.endpoint = endpoint;
    this.timeout = timeout;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public JsonRpc(String endpoint) {
    this(URI.create(endpoint), Duration.ofSeconds(30));
  }

  public URI endpoint() {
    return endpoint;
  }

  public JsonNode call(String method, List<?> params) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    body.put("id", ids.incrementAndGet());
    body.put("method", method);
    body.set("params", JSON.valueToTree(params));
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
            .build();
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(method + " interrupted", e);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new IOException(
          method + ": HTTP " + response.statusCode() + " with a body that is not JSON", e);
    }
    if (answer != null && answer.hasNonNull("error")) {
      JsonNode err = answer.get("error");
      throw new RpcError(method, err.path("code").asLong(0), err.path("message").asText(""));
    }
    if (response.statusCode() / 100 != 2 || answer == null || !answer.has("result")) {
      throw new IOException(method + ": HTTP " + response.statusCode() + " without a result");
    }
    return answer.get("result");
  }
}
