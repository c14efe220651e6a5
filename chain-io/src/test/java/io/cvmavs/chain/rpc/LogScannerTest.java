package io.cvmavs.chain.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.chain.ChainException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/**
 * {@link LogScanner} against a JSON-RPC endpoint that limits {@code eth_getLogs} ranges as public
 * providers do. A fake, because no real provider with such a limit runs here (anvil has none); the
 * scanner's requests on a real chain are covered by the anvil ITs that read events through it
 * ({@code TaskManagerChainIT}, {@code ChallengeChainIT}, the monitor's and stake aggregator's ITs).
 * The fake answers a log at every block divisible by 37 and refuses ranges wider than its limit
 * with geth's / Infura's wording.
 */
class LogScannerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADDRESS = "0x" + "ab".repeat(20);
  private static final String TOPIC = "0x" + "01".repeat(32);

  private HttpServer server;
  private volatile long limit = 100;
  private volatile String refusal = "query exceeds max block range 100";
  private final List<long[]> asked = new CopyOnWriteArrayList<>();
  private Web3j web3j;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode req = JSON.readTree(exchange.getRequestBody());
          ObjectNode resp = JSON.createObjectNode().put("jsonrpc", "2.0");
          resp.set("id", req.get("id"));
          switch (req.path("method").asText()) {
            case "eth_blockNumber" -> resp.put("result", "0x3e8"); // 1000
            case "eth_getLogs" -> {
              JsonNode f = req.path("params").get(0);
              long from = Long.decode(f.path("fromBlock").asText());
              long to = Long.decode(f.path("toBlock").asText());
              asked.add(new long[] {from, to});
              if (to - from + 1 > limit) {
                resp.putObject("error").put("code", -32005).put("message", refusal);
              } else {
                ArrayNode logs = resp.putArray("result");
                for (long b = from; b <= to; b++) {
                  if (b % 37 == 0) {
                    ObjectNode l = logs.addObject();
                    l.put("address", ADDRESS);
                    l.putArray("topics").add(TOPIC);
                    l.put("data", "0x");
                    l.put("blockNumber", "0x" + Long.toHexString(b));
                    l.put("logIndex", "0x0");
                    l.put("transactionIndex", "0x0");
                    l.put("transactionHash", String.format("0x%064x", b));
                    l.put("blockHash", String.format("0x%064x", b + 1));
                    l.put("removed", false);
                  }
                }
              }
            }
            default -> resp.putObject("error").put("code", -32601).put("message", "no method");
          }
          byte[] body = JSON.writeValueAsBytes(resp);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    web3j = Web3j.build(new HttpService("http://127.0.0.1:" + server.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    web3j.shutdown();
    server.stop(0);
  }

  private static List<Long> blocks(List<Log> logs) {
    return logs.stream().map(Log::getBlockNumber).map(BigInteger::longValueExact).toList();
  }

  private static List<Long> expected(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long b = from; b <= to; b++) {
      if (b % 37 == 0) {
        out.add(b);
      }
    }
    return out;
  }

  @Test
  void splitsIntoBoundedRangesAndShrinksWhenTheProviderRefuses() {
    LogScanner scanner = new LogScanner(web3j, 500);
    List<Log> logs = scanner.logs(LogScanner.Query.of("Test", ADDRESS, TOPIC), 3, 1000);

    assertThat(blocks(logs)).isEqualTo(expected(3, 1000));
    assertThat(scanner.maxSpan()).isLessThanOrEqualTo(100);
    // Never wider than the configured maximum; after the refusals, never wider than the limit.
    assertThat(asked).allSatisfy(r -> assertThat(r[1] - r[0] + 1).isLessThanOrEqualTo(500));
    long refused = asked.stream().filter(r -> r[1] - r[0] + 1 > 100).count();
    assertThat(refused).isBetween(1L, 3L);
    // Contiguous, in order, no block asked twice among the accepted requests.
    List<long[]> accepted = asked.stream().filter(r -> r[1] - r[0] + 1 <= 100).toList();
    assertThat(accepted.get(0)[0]).isEqualTo(3);
    for (int i = 1; i < accepted.size(); i++) {
      assertThat(accepted.get(i)[0]).isEqualTo(accepted.get(i - 1)[1] + 1);
    }
    assertThat(accepted.get(accepted.size() - 1)[1]).isEqualTo(1000);
  }

  @Test
  void tooManyResultsIsARefusalToo() {
    refusal = "query returned more than 10000 results";
    limit = 40;
    LogScanner scanner = new LogScanner(web3j);
    assertThat(blocks(scanner.logs(LogScanner.Query.of("Test", ADDRESS, TOPIC), 0, 999)))
        .isEqualTo(expected(0, 999));
    assertThat(scanner.maxSpan()).isLessThanOrEqualTo(40);
  }

  @Test
  void firstStopsAtTheFirstRangeWithALogAndScansToTheHead() {
    LogScanner scanner = new LogScanner(web3j, 50);
    Optional<Log> first = scanner.firstUpToHead(LogScanner.Query.of("Test", ADDRESS, TOPIC), 38);
    assertThat(first.map(l -> l.getBlockNumber().longValueExact())).contains(74L);
    assertThat(asked).hasSize(1);
    assertThat(scanner.first(LogScanner.Query.of("Test", ADDRESS, TOPIC), 1, 36)).isEmpty();
  }

  @Test
  void anOtherErrorOrARefusedSingleBlockIsAChainExceptionNamingTheQuery() {
    refusal = "header not found";
    assertThatThrownBy(
            () -> new LogScanner(web3j).logs(LogScanner.Query.of("Probe", ADDRESS, TOPIC), 0, 500))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("eth_getLogs Probe 0..500")
        .hasMessageContaining("header not found");
    refusal = "block range too large";
    limit = 0;
    assertThatThrownBy(
            () -> new LogScanner(web3j).logs(LogScanner.Query.of("Probe", ADDRESS, TOPIC), 0, 7))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("eth_getLogs Probe 0..0")
        .hasMessageContaining("block range too large");
  }
}
