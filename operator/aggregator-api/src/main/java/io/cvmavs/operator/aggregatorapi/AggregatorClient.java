package io.cvmavs.operator.aggregatorapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.common.retry.Backoff;
import io.cvmavs.common.retry.Sleeper;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.operator.config.OperatorConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends signatures to the aggregator ({@code aggregator_submitSignature} over HTTP JSON-RPC) with
 * retries and exponential backoff for transport failures and internal errors. Refusals (a JSON-RPC
 * error with an application code) are returned, not retried: they will not change on a re-send.
 */
public final class AggregatorClient implements SignatureDelivery {
  /**
   * The aggregator could not be reached or did not answer usefully (after the retries); the message
   * names it (credentials redacted) and the task.
   */
  public static final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }

    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The aggregator's answer: accepted, or refused with a code and message. */
  public record Answer(boolean accepted, int code, String message, int signers) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int INTERNAL_ERROR = -32603;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI url;
  private final int attempts;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final AtomicLong ids = new AtomicLong();

  public AggregatorClient(URI url, int attempts, Duration firstBackoff, Sleeper sleeper) {
    this.url = url;
    this.attempts = attempts;
    this.backoff =
        Backoff.exponential(
            firstBackoff, firstBackoff.compareTo(MAX_BACKOFF) > 0 ? firstBackoff : MAX_BACKOFF);
    this.sleeper = sleeper;
  }

  public static AggregatorClient of(URI url) {
    return new AggregatorClient(url, 6, Duration.ofMillis(200), Sleeper.threadSleep());
  }

  @Override
  public Answer submit(
      long taskIndex, TaskResponse response, String operatorId, G1Point signature) {
    ObjectNode params = JSON.createObjectNode();
    params.put("taskIndex", taskIndex);
    ObjectNode r = params.putObject("response");
    r.put("referenceTaskIndex", response.referenceTaskIndex());
    r.put("cvmBlockHash", Bytes32.hex(response.cvmBlockHash()));
    r.put("datasetRoot", Bytes32.hex(response.datasetRoot()));
    r.put("stateRoot", Bytes32.hex(response.stateRoot()));
    params.put("operatorId", operatorId);
    params.put("signature", "0x" + java.util.HexFormat.of().formatHex(signature.toBytes()));
    String last = "";
    for (int attempt = 1; attempt <= attempts; attempt++) {
      try {
        JsonNode reply = call("aggregator_submitSignature", params);
        JsonNode error = reply.path("error");
        if (error.isMissingNode() || error.isNull()) {
          return new Answer(true, 0, "accepted", reply.path("result").path("signers").asInt());
        }
        if (error.path("code").asInt() != INTERNAL_ERROR) {
          return new Answer(false, error.path("code").asInt(), error.path("message").asText(), 0);
        }
        last = "internal error: " + error.path("message").asText();
      } catch (IOException e) {
        last = e.toString();
      }
      if (attempt < attempts) {
        try {
          sleeper.sleep(backoff.delay(attempt));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Unavailable(
              "interrupted while sending task " + taskIndex + " to the aggregator", e);
        }
      }
    }
    throw new Unavailable(
        "aggregator "
            + OperatorConfigLoader.redact(url.toString())
            + " did not take task "
            + taskIndex
            + " after "
            + attempts
            + " attempts: "
            + last);
  }

  /**
   * {@code aggregator_evidence}: dissenting signatures and equivocations about tasks from {@code
   * fromTaskIndex} on (one attempt; the challenger asks again at its next step).
   */
  public Evidence evidence(long fromTaskIndex) {
    ObjectNode params = JSON.createObjectNode();
    params.put("fromTaskIndex", fromTaskIndex);
    try {
      JsonNode reply = call("aggregator_evidence", params);
      JsonNode error = reply.path("error");
      if (!error.isMissingNode() && !error.isNull()) {
        throw new Unavailable(
            "aggregator "
                + OperatorConfigLoader.redact(url.toString())
                + " refused aggregator_evidence: "
                + error.path("message").asText());
      }
      return Evidence.fromJson(reply.path("result"));
    } catch (IOException | IllegalArgumentException e) {
      throw new Unavailable(
          "cannot read evidence from aggregator "
              + OperatorConfigLoader.redact(url.toString())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private JsonNode call(String method, ObjectNode params) throws IOException {
    ObjectNode req = JSON.createObjectNode();
    req.put("jsonrpc", "2.0");
    req.put("id", ids.incrementAndGet());
    req.put("method", method);
    req.set("params", params);
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(req)))
            .build();
    try {
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() / 100 != 2) {
        throw new IOException(
            "HTTP "
                + response.statusCode()
                + " from "
                + OperatorConfigLoader.redact(url.toString()));
      }
      return JSON.readTree(response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
