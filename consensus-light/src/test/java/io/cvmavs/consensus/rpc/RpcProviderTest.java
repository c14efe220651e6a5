package io.cvmavs.consensus.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.consensus.TestData;
import io.cvmavs.consensus.light.Bisection;
import io.cvmavs.consensus.light.GoDuration;
import io.cvmavs.consensus.light.LightBlock;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.light.LightVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Light blocks over HTTP JSON-RPC from a server on 127.0.0.1 that answers {@code commit} and {@code
 * validators} with Celestia mocha-4's recorded answers for the requested height ({@code
 * commit.json}, {@code validators_1.json}; only the JSON-RPC id is rewritten), and a JSON-RPC error
 * for a height it has no recording of — as a node does for a height it does not have. No CometBFT
 * binary can run here.
 */
class RpcProviderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private RpcProvider provider;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          String method = request.path("method").asText();
          String height = request.path("params").path("height").asText();
          Path file =
              TestData.cometbft(
                  "celestia-mocha-4",
                  height,
                  method.equals("commit") ? "commit.json" : "validators_1.json");
          ObjectNode answer;
          if (Files.exists(file)) {
            answer = (ObjectNode) JSON.readTree(file.toFile());
          } else {
            answer = JSON.createObjectNode().put("jsonrpc", "2.0");
            answer
                .putObject("error")
                .put("code", -32603)
                .put("message", "Internal error")
                .put(
                    "data",
                    "height "
                        + height
                        + " must be less than or equal to the current blockchain height");
          }
          answer.set("id", request.get("id"));
          byte[] body = answer.toString().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    provider =
        new RpcProvider(
            new CometRpcClient(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void lightBlocksOverRpcVerifyAsTheFilesDo() throws Exception {
    LightBlock trusted = provider.lightBlock(10000);
    assertThat(trusted.nextValidators()).isNotNull();
    assertThat(LightJson.hex(trusted.signedHeader().commit().getBlockId().getHash().toByteArray()))
        .isEqualTo("A0123D5E4B8B8888A61F931EE2252D83568B97C223E0ECA9795B29B8BD8CBA2D");
    LightVerifier.Options options = LightVerifier.Options.of(GoDuration.parse("504h"));
    Bisection bisection = new Bisection(provider, options);
    for (long target : new long[] {10001, 10500, 10501, 157001}) {
      LightBlock head = provider.lightBlock(target);
      Instant now = Instant.ofEpochSecond(head.signedHeader().header().getTime().getSeconds() + 60);
      List<LightBlock> trace = bisection.verifyTo(trusted, target, now);
      assertThat(trace.getLast().height()).isEqualTo(target);
    }
    assertThat(provider.lightBlock(157001).nextValidators()).as("157002 is not recorded").isNull();
  }

  @Test
  void missingHeightIsTheNodesError() {
    assertThatThrownBy(() -> provider.lightBlock(12345))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("must be less than or equal to the current blockchain height");
  }
}
