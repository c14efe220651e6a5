package io.cvmavs.cvm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Call frames from both trace APIs (answers written from the geth call-tracer and the Parity
 * trace_block documentation; the live path is covered against anvil by ChainbaseManuscriptsIT), and
 * token metadata decoding.
 */
class TracedTablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String A = "0x" + "aa".repeat(20);
  private static final String B = "0x" + "bb".repeat(20);
  private static final String C = "0x" + "cc".repeat(20);

  @Test
  void callTracerTreeAndTraceBlockListGiveTheSameFrames() throws Exception {
    JsonNode debug =
        JSON.readTree(
            """
            [{"txHash":"0x01","result":{"type":"CALL","from":"%s","to":"%s","value":"0xa",
              "gas":"0x100","gasUsed":"0x50","input":"0x12","output":"0x",
              "calls":[{"type":"CREATE2","from":"%s","to":"%s","value":"0x0","gas":"0x10",
                        "gasUsed":"0x8","input":"0x6080","output":"0x60aa"},
                       {"type":"STATICCALL","from":"%s","to":"%s","gas":"0x5","gasUsed":"0x1",
                        "input":"0x","output":"0x","error":"execution reverted"}]}}]
            """
                .formatted(A, B, B, C, B, A));
    JsonNode parity =
        JSON.readTree(
            """
            [{"type":"call","action":{"callType":"call","from":"%s","to":"%s","value":"0xa",
               "gas":"0x100","input":"0x12"},"result":{"gasUsed":"0x50","output":"0x"},
              "traceAddress":[],"transactionHash":"0x01","transactionPosition":0},
             {"type":"create","action":{"creationMethod":"create2","from":"%s","value":"0x0",
               "gas":"0x10","init":"0x6080"},"result":{"gasUsed":"0x8","address":"%s","code":"0x60aa"},
              "traceAddress":[0],"transactionHash":"0x01","transactionPosition":0},
             {"type":"call","action":{"callType":"staticcall","from":"%s","to":"%s","value":"0x0",
               "gas":"0x5","input":"0x"},"error":"execution reverted",
              "traceAddress":[1],"transactionHash":"0x01","transactionPosition":0},
             {"type":"reward","action":{"author":"%s","value":"0x1"}}]
            """
                .formatted(A, B, B, C, B, A, A));
    List<CallFrames.Frame> fromDebug = CallFrames.fromCallTracer(debug, List.of("0x01"));
    List<CallFrames.Frame> fromTrace = CallFrames.fromTraceBlock(parity);
    assertThat(fromDebug).hasSize(3);
    assertThat(fromDebug.get(0).traceAddress()).isEmpty();
    assertThat(fromDebug.get(0).value()).isEqualTo("10");
    assertThat(fromDebug.get(1))
        .satisfies(
            f -> {
              assertThat(f.traceAddress()).isEqualTo("0");
              assertThat(f.callType()).isEqualTo("create2");
              assertThat(f.isCreation()).isTrue();
              assertThat(f.to()).isEqualTo(C);
              assertThat(f.output()).isEqualTo("0x60aa");
            });
    assertThat(fromDebug.get(2).error()).isEqualTo("execution reverted");
    assertThat(fromTrace)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("output", "gasUsed")
        .containsExactlyElementsOf(fromDebug);
  }

  @Test
  void aTraceOfTheWrongLengthIsRefused() throws Exception {
    assertThatThrownBy(() -> CallFrames.fromCallTracer(JSON.readTree("[]"), List.of("0x01")))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("traced 0 transactions, the block has 1");
  }

  @Test
  void tracedRowsFillContractsTraceCallsAndTokenMetas() throws Exception {
    var block = new org.web3j.protocol.core.methods.response.EthBlock.Block();
    block.setNumber("0x7");
    block.setTimestamp("0x3e8");
    CallFrames.Frame create =
        new CallFrames.Frame(0, "0x01", "", "create", A, C, "0", 10L, 8L, "0x6080", "0x60aa", null);
    var meta =
        new TokenMetaReader.TokenMeta(
            "Chainbase Token", "C", 18L, "1000", true, false, false, false);
    var rows =
        RowExtractor.tracedRows(
            new ChainBlock(block, List.of()),
            new ChainSource.Traced(List.of(create), java.util.Map.of(C, meta)));
    assertThat(rows.get(ChainTable.TRACE_CALLS)).hasSize(1);
    assertThat(rows.get(ChainTable.CONTRACTS))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r[6]).isEqualTo(C);
              assertThat(r[7]).isEqualTo("0x60aa");
            });
    assertThat(rows.get(ChainTable.TOKEN_METAS))
        .singleElement()
        .satisfies(
            r ->
                assertThat(List.of(r).subList(5, 11))
                    .containsExactly(C, "Chainbase Token", "C", 18L, "1000", 1L));
    for (ChainTable t : ChainTable.TRACED) {
      assertThat(rows.get(t)).allSatisfy(r -> assertThat(r).hasSize(t.columns().size()));
    }
  }

  /**
   * A node without either trace API. No such node runs here (anvil offers both), so this is a
   * loopback HTTP server answering every call with JSON-RPC's "method not found", as geth does
   * without the debug namespace.
   */
  @Test
  void aNodeWithoutTraceApisIsAClearError() throws Exception {
    com.sun.net.httpserver.HttpServer server =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          JsonNode request = JSON.readTree(exchange.getRequestBody());
          byte[] body =
              ("{\"jsonrpc\":\"2.0\",\"id\":"
                      + request.get("id")
                      + ",\"error\":{\"code\":-32601,\"message\":\"the method "
                      + request.get("method").asText()
                      + " does not exist/is not available\"}}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort();
      var block = new org.web3j.protocol.core.methods.response.EthBlock.Block();
      block.setNumber("0x1");
      var tx = new org.web3j.protocol.core.methods.response.EthBlock.TransactionObject();
      tx.setHash("0x01");
      block.setTransactions(List.of(tx));
      ChainBlock chainBlock = new ChainBlock(block, List.of());
      assertThatThrownBy(() -> new Web3jChainSource(url, Retry.defaults()).traced(chainBlock))
          .isInstanceOf(IngestException.class)
          .hasMessageContaining("offers neither debug_traceBlockByNumber")
          .hasMessageContaining("nor trace_block")
          .hasMessageContaining("contracts, trace_calls and token_metas cannot be ingested");
      assertThatThrownBy(
              () ->
                  new Web3jChainSource(
                          org.web3j.protocol.Web3j.build(
                              new org.web3j.protocol.http.HttpService(url)),
                          Retry.defaults())
                      .traced(chainBlock))
          .hasMessageContaining("debug_traceBlockByNumber or trace_block");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void tokenStringsAsAbiStringOrBytes32() {
    String abi =
        "0x" + "00".repeat(31) + "20" + "00".repeat(31) + "04" + "55534454" + "00".repeat(28);
    assertThat(TokenMetaReader.string(abi)).isEqualTo("USDT");
    assertThat(TokenMetaReader.string("0x4d4b52" + "00".repeat(29))).isEqualTo("MKR");
    assertThat(TokenMetaReader.string("0x")).isNull();
    assertThat(TokenMetaReader.string("0x" + "ff".repeat(31) + "20" + "00".repeat(32))).isNull();
    assertThat(TokenMetaReader.uint("0x" + "00".repeat(31) + "12")).isEqualTo("18");
    assertThat(TokenMetaReader.uint("0x12")).isNull();
  }
}
