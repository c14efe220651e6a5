package io.cvmavs.consensus.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cvmavs.consensus.light.LightJson;
import io.cvmavs.consensus.proto.abci.RequestQuery;
import io.cvmavs.consensus.proto.abci.ResponseCheckTx;
import io.cvmavs.consensus.proto.abci.ResponseQuery;
import io.cvmavs.consensus.proto.types.BlockID;
import io.cvmavs.consensus.proto.types.BlockIDFlag;
import io.cvmavs.consensus.proto.types.Commit;
import io.cvmavs.consensus.proto.types.CommitSig;
import io.cvmavs.consensus.proto.types.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CometBFT-RPC-compatible HTTP JSON-RPC server over a {@link LocalConsensusDriver}'s chain, in
 * the JSON shapes a CometBFT v0.38 node answers: {@code status}, {@code health}, {@code block},
 * {@code commit}, {@code validators} (paged), {@code abci_query} (forwarded to a validator's query
 * connection) and {@code broadcast_tx_sync} (CheckTx into the driver's mempool) and {@code
 * broadcast_tx_commit} (waits up to 10 s for the block). Requests are JSON-RPC 2.0 POSTs to {@code
 * /} or CometBFT's URI form ({@code GET /block?height=5}). Binds 127.0.0.1 unless another address
 * is given. No WebSocket {@code /subscribe}, no {@code tx_search} (no indexer).
 */
public final class DriverRpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DriverRpcServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_BODY = 1 << 20;

  /** A JSON-RPC error (code, message, data) as CometBFT returns them. */
  private static final class RpcError extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;
    final String data;

    RpcError(int code, String message, String data) {
      super(message);
      this.code = code;
      this.data = data;
    }

    static RpcError internal(String data) {
      return new RpcError(-32603, "Internal error", data);
    }

    static RpcError invalidParams(String data) {
      return new RpcError(-32602, "Invalid params", data);
    }
  }

  private final LocalConsensusDriver driver;
  private final HttpServer http;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private DriverRpcServer(LocalConsensusDriver driver, InetSocketAddress bind) throws IOException {
    this.driver = driver;
    this.http = HttpServer.create(bind, 64);
    http.createContext("/", this::handle);
    http.setExecutor(executor);
  }

  /** Serves on 127.0.0.1:{@code port} ({@code 0}: any free port). */
  public static DriverRpcServer start(LocalConsensusDriver driver, int port) throws IOException {
    return start(driver, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** Serves on {@code bind}; an address other than loopback exposes the RPC: do so on purpose. */
  public static DriverRpcServer start(LocalConsensusDriver driver, InetSocketAddress bind)
      throws IOException {
    DriverRpcServer s = new DriverRpcServer(driver, bind);
    s.http.start();
    LOG.info("consensus driver RPC listening on {}", s.address());
    return s;
  }

  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** {@code http://127.0.0.1:port}. */
  public java.net.URI uri() {
    return java.net.URI.create(
        "http://" + address().getAddress().getHostAddress() + ":" + address().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      answer(ex);
    }
  }

  private void answer(HttpExchange ex) throws IOException {
    JsonNode id = F.numberNode(-1);
    ObjectNode answer = F.objectNode().put("jsonrpc", "2.0");
    try {
      String method;
      JsonNode params;
      if ("POST".equals(ex.getRequestMethod())) {
        JsonNode body;
        try (InputStream in = ex.getRequestBody()) {
          byte[] bytes = in.readNBytes(MAX_BODY + 1);
          if (bytes.length > MAX_BODY) {
            throw new RpcError(-32600, "Invalid Request", "body over " + MAX_BODY + " bytes");
          }
          body = JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new RpcError(-32700, "Parse error", e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
          throw new RpcError(-32600, "Invalid Request", "expected a JSON-RPC object");
        }
        id = body.path("id");
        method = body.path("method").asText();
        params = body.path("params").isObject() ? body.get("params") : F.objectNode();
      } else if ("GET".equals(ex.getRequestMethod())) {
        method = ex.getRequestURI().getPath().replaceFirst("^/", "");
        ObjectNode p = F.objectNode();
        String query = ex.getRequestURI().getRawQuery();
        if (query != null) {
          for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
              String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
              p.put(kv.substring(0, eq), v.replaceAll("^\"|\"$", ""));
            }
          }
        }
        params = p;
      } else {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      answer.set("id", id);
      answer.set("result", dispatch(method, params));
      send(ex, 200, answer);
    } catch (RpcError e) {
      answer.set("id", id);
      answer
          .putObject("error")
          .put("code", e.code)
          .put("message", e.getMessage())
          .put("data", e.data);
      send(ex, e.code == -32601 ? 404 : 500, answer);
    } catch (RuntimeException e) {
      LOG.warn("RPC request failed", e);
      answer.set("id", id);
      answer
          .putObject("error")
          .put("code", -32603)
          .put("message", "Internal error")
          .put("data", e.toString());
      send(ex, 500, answer);
    }
  }

  private static void send(HttpExchange ex, int status, ObjectNode answer) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(answer);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private JsonNode dispatch(String method, JsonNode params) throws RpcError {
    return switch (method) {
      case "status" -> status();
      case "health" -> F.objectNode();
      case "block" -> block(height(params, "height"));
      case "commit" -> commit(height(params, "height"));
      case "validators" -> validators(params);
      case "abci_query" -> abciQuery(params);
      case "broadcast_tx_sync" -> broadcastTxSync(params);
      case "broadcast_tx_commit" -> broadcastTxCommit(params);
      default -> throw new RpcError(-32601, "Method not found", method);
    };
  }

  /** The requested height, or the latest when absent or 0; must be in 1..latest. */
  private long height(JsonNode params, String field) throws RpcError {
    long latest = driver.latestHeight();
    JsonNode h = params.get(field);
    long height;
    if (h == null || h.isNull() || h.asText().isEmpty()) {
      height = latest;
    } else {
      try {
        height = Long.parseLong(h.asText());
      } catch (NumberFormatException e) {
        throw RpcError.invalidParams(field + " '" + h.asText() + "' is not an integer");
      }
      if (height == 0) {
        height = latest;
      }
    }
    if (height <= 0) {
      throw RpcError.internal("height must be greater than 0, but got " + height);
    }
    if (height > latest) {
      throw RpcError.internal(
          "height "
              + height
              + " must be less than or equal to the current blockchain height "
              + latest);
    }
    return height;
  }

  private JsonNode status() throws RpcError {
    long latest = driver.latestHeight();
    ObjectNode r = F.objectNode();
    ObjectNode node = r.putObject("node_info");
    node.putObject("protocol_version").put("p2p", "8").put("block", "11").put("app", "0");
    node.put(
        "id",
        HexFormat.of()
            .formatHex(
                ChainHashes.sha256(driver.chainId().getBytes(StandardCharsets.UTF_8)), 0, 20));
    node.put("listen_addr", "");
    node.put("network", driver.chainId());
    node.put("version", "0.38.17");
    node.put("channels", "");
    node.put("moniker", "cvm-avs-local-consensus-driver");
    node.putObject("other").put("tx_index", "off").put("rpc_address", "tcp://" + address());
    ObjectNode sync = r.putObject("sync_info");
    Optional<StoredBlock> last = driver.block(latest);
    Optional<StoredBlock> first = driver.block(1);
    sync.put("latest_block_hash", last.map(b -> hex(b.blockId().getHash())).orElse(""));
    sync.put("latest_app_hash", last.map(b -> hex(b.finalizeResponse().getAppHash())).orElse(""));
    sync.put("latest_block_height", Long.toString(latest));
    sync.put(
        "latest_block_time",
        last.map(b -> time(b.header().getTime())).orElse(driver.genesisTime().toString()));
    sync.put("earliest_block_hash", first.map(b -> hex(b.blockId().getHash())).orElse(""));
    sync.put("earliest_app_hash", first.map(b -> hex(b.header().getAppHash())).orElse(""));
    sync.put("earliest_block_height", first.isPresent() ? "1" : "0");
    sync.put(
        "earliest_block_time",
        first.map(b -> time(b.header().getTime())).orElse(driver.genesisTime().toString()));
    sync.put("catching_up", false);
    ObjectNode vi = r.putObject("validator_info");
    vi.put("address", "");
    vi.put("voting_power", "0");
    return r;
  }

  private JsonNode block(long height) throws RpcError {
    StoredBlock b = stored(height);
    ObjectNode r = F.objectNode();
    r.set("block_id", blockId(b.blockId()));
    ObjectNode block = r.putObject("block");
    block.set("header", header(b.header()));
    ArrayNode txs = block.putObject("data").putArray("txs");
    for (ByteString tx : b.txs()) {
      txs.add(Base64.getEncoder().encodeToString(tx.toByteArray()));
    }
    block.putObject("evidence").putArray("evidence");
    block.set("last_commit", commitJson(b.lastCommit().getHeight() == 0 ? null : b.lastCommit()));
    return r;
  }

  private JsonNode commit(long height) throws RpcError {
    StoredBlock b = stored(height);
    ObjectNode r = F.objectNode();
    ObjectNode sh = r.putObject("signed_header");
    sh.set("header", header(b.header()));
    sh.set("commit", commitJson(b.commit()));
    r.put("canonical", driver.block(height + 1).isPresent());
    return r;
  }

  private JsonNode validators(JsonNode params) throws RpcError {
    long latest = driver.latestHeight();
    JsonNode hp = params.get("height");
    long height;
    try {
      height =
          hp == null || hp.isNull() || hp.asText().isEmpty() ? latest : Long.parseLong(hp.asText());
    } catch (NumberFormatException e) {
      throw RpcError.invalidParams("height '" + hp.asText() + "' is not an integer");
    }
    if (height == 0) {
      height = latest;
    }
    final long h = height;
    ProposerPriorities set =
        driver
            .validatorsAt(h)
            .orElseThrow(
                () ->
                    RpcError.internal(
                        "height "
                            + h
                            + " must be less than or equal to the current blockchain height "
                            + (latest + 1)));
    int perPage = intParam(params, "per_page", 30);
    perPage = perPage <= 0 ? 30 : Math.min(perPage, 100);
    int total = set.entries().size();
    int pages = Math.max(1, (total + perPage - 1) / perPage);
    int page = intParam(params, "page", 1);
    if (page < 1 || page > pages) {
      throw RpcError.internal("page should be within [1, " + pages + "] range, given " + page);
    }
    ObjectNode r = F.objectNode();
    r.put("block_height", Long.toString(h));
    ArrayNode list = r.putArray("validators");
    int from = (page - 1) * perPage;
    int to = Math.min(total, from + perPage);
    for (ProposerPriorities.Entry e : set.entries().subList(from, to)) {
      ObjectNode v = list.addObject();
      v.put("address", LightJson.hex(e.address()));
      v.putObject("pub_key")
          .put("type", "tendermint/PubKeyEd25519")
          .put("value", Base64.getEncoder().encodeToString(e.publicKey()));
      v.put("voting_power", Long.toString(e.power()));
      v.put("proposer_priority", Long.toString(e.priority()));
    }
    r.put("count", Integer.toString(to - from));
    r.put("total", Integer.toString(total));
    return r;
  }

  private JsonNode abciQuery(JsonNode params) throws RpcError {
    byte[] data;
    try {
      data = HexFormat.of().parseHex(params.path("data").asText(""));
    } catch (IllegalArgumentException e) {
      throw RpcError.invalidParams("data is not hex");
    }
    long height;
    try {
      height = params.hasNonNull("height") ? Long.parseLong(params.get("height").asText()) : 0;
    } catch (NumberFormatException e) {
      throw RpcError.invalidParams(
          "height '" + params.get("height").asText() + "' is not an integer");
    }
    ResponseQuery q;
    try {
      q =
          driver.query(
              RequestQuery.newBuilder()
                  .setPath(params.path("path").asText(""))
                  .setData(ByteString.copyFrom(data))
                  .setHeight(height)
                  .setProve(params.path("prove").asBoolean(false))
                  .build());
    } catch (IOException e) {
      throw RpcError.internal(e.getMessage());
    }
    ObjectNode r = F.objectNode();
    ObjectNode resp = r.putObject("response");
    resp.put("code", q.getCode());
    resp.put("log", q.getLog());
    resp.put("info", q.getInfo());
    resp.put("index", Long.toString(q.getIndex()));
    resp.put(
        "key",
        q.getKey().isEmpty() ? null : Base64.getEncoder().encodeToString(q.getKey().toByteArray()));
    resp.put(
        "value",
        q.getValue().isEmpty()
            ? null
            : Base64.getEncoder().encodeToString(q.getValue().toByteArray()));
    resp.putNull("proofOps");
    resp.put("height", Long.toString(q.getHeight()));
    resp.put("codespace", q.getCodespace());
    return r;
  }

  private JsonNode broadcastTxSync(JsonNode params) throws RpcError {
    byte[] tx;
    try {
      tx = Base64.getDecoder().decode(params.path("tx").asText(""));
    } catch (IllegalArgumentException e) {
      throw RpcError.invalidParams("tx is not base64");
    }
    if (tx.length == 0) {
      throw RpcError.invalidParams("tx is empty");
    }
    ResponseCheckTx c;
    try {
      c = driver.submitTx(tx);
    } catch (IOException e) {
      throw RpcError.internal(e.getMessage());
    }
    ObjectNode r = F.objectNode();
    r.put("code", c.getCode());
    r.put("data", Base64.getEncoder().encodeToString(c.getData().toByteArray()));
    r.put("log", c.getLog());
    r.put("codespace", c.getCodespace());
    r.put("hash", LightJson.hex(ChainHashes.sha256(tx)));
    return r;
  }

  /**
   * CheckTx, then wait (up to 10 s, CometBFT's {@code timeout_broadcast_tx_commit}) for a block
   * holding the transaction; answers its FinalizeBlock result.
   */
  private JsonNode broadcastTxCommit(JsonNode params) throws RpcError {
    byte[] tx;
    try {
      tx = Base64.getDecoder().decode(params.path("tx").asText(""));
    } catch (IllegalArgumentException e) {
      throw RpcError.invalidParams("tx is not base64");
    }
    if (tx.length == 0) {
      throw RpcError.invalidParams("tx is empty");
    }
    ByteString wanted = ByteString.copyFrom(tx);
    long from = driver.latestHeight() + 1;
    ResponseCheckTx c;
    try {
      c = driver.submitTx(tx);
    } catch (IOException e) {
      throw RpcError.internal(e.getMessage());
    }
    ObjectNode r = F.objectNode();
    ObjectNode check = r.putObject("check_tx");
    check.put("code", c.getCode());
    check.put("log", c.getLog());
    check.put("codespace", c.getCodespace());
    check.put("gas_wanted", Long.toString(c.getGasWanted()));
    check.put("gas_used", Long.toString(c.getGasUsed()));
    r.put("hash", LightJson.hex(ChainHashes.sha256(tx)));
    if (c.getCode() != 0) {
      r.putObject("tx_result");
      r.put("height", "0");
      return r;
    }
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    long h = from;
    while (System.nanoTime() < deadline) {
      while (h <= driver.latestHeight()) {
        StoredBlock b = driver.block(h).orElseThrow();
        int index = b.txs().indexOf(wanted);
        if (index >= 0) {
          var res = b.finalizeResponse().getTxResults(index);
          ObjectNode t = r.putObject("tx_result");
          t.put("code", res.getCode());
          t.put("data", Base64.getEncoder().encodeToString(res.getData().toByteArray()));
          t.put("log", res.getLog());
          t.put("info", res.getInfo());
          t.put("gas_wanted", Long.toString(res.getGasWanted()));
          t.put("gas_used", Long.toString(res.getGasUsed()));
          t.putArray("events");
          t.put("codespace", res.getCodespace());
          r.put("height", Long.toString(h));
          return r;
        }
        h++;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw RpcError.internal("interrupted");
      }
    }
    throw RpcError.internal("timed out waiting for tx to be included in a block");
  }

  private StoredBlock stored(long height) throws RpcError {
    return driver
        .block(height)
        .orElseThrow(() -> RpcError.internal("no block at height " + height));
  }

  private static int intParam(JsonNode params, String field, int dflt) throws RpcError {
    JsonNode n = params.get(field);
    if (n == null || n.isNull() || n.asText().isEmpty()) {
      return dflt;
    }
    try {
      return Integer.parseInt(n.asText());
    } catch (NumberFormatException e) {
      throw RpcError.invalidParams(field + " '" + n.asText() + "' is not an integer");
    }
  }

  static ObjectNode header(Header h) {
    ObjectNode n = F.objectNode();
    n.putObject("version")
        .put("block", Long.toString(h.getVersion().getBlock()))
        .put("app", Long.toString(h.getVersion().getApp()));
    n.put("chain_id", h.getChainId());
    n.put("height", Long.toString(h.getHeight()));
    n.put("time", time(h.getTime()));
    n.set("last_block_id", blockId(h.getLastBlockId()));
    n.put("last_commit_hash", hex(h.getLastCommitHash()));
    n.put("data_hash", hex(h.getDataHash()));
    n.put("validators_hash", hex(h.getValidatorsHash()));
    n.put("next_validators_hash", hex(h.getNextValidatorsHash()));
    n.put("consensus_hash", hex(h.getConsensusHash()));
    n.put("app_hash", hex(h.getAppHash()));
    n.put("last_results_hash", hex(h.getLastResultsHash()));
    n.put("evidence_hash", hex(h.getEvidenceHash()));
    n.put("proposer_address", hex(h.getProposerAddress()));
    return n;
  }

  static ObjectNode blockId(BlockID id) {
    ObjectNode n = F.objectNode();
    n.put("hash", hex(id.getHash()));
    n.putObject("parts")
        .put("total", id.getPartSetHeader().getTotal())
        .put("hash", hex(id.getPartSetHeader().getHash()));
    return n;
  }

  /** A commit; {@code null} is the empty commit of block 1's {@code last_commit}. */
  static ObjectNode commitJson(Commit c) {
    ObjectNode n = F.objectNode();
    Commit commit = c == null ? Commit.getDefaultInstance() : c;
    n.put("height", Long.toString(commit.getHeight()));
    n.put("round", commit.getRound());
    n.set("block_id", blockId(commit.getBlockId()));
    ArrayNode sigs = n.putArray("signatures");
    for (CommitSig s : commit.getSignaturesList()) {
      ObjectNode o = sigs.addObject();
      o.put("block_id_flag", s.getBlockIdFlag().getNumber());
      o.put("validator_address", hex(s.getValidatorAddress()));
      o.put("timestamp", time(s.getTimestamp()));
      if (s.getBlockIdFlag() == BlockIDFlag.BLOCK_ID_FLAG_ABSENT) {
        o.putNull("signature");
      } else {
        o.put("signature", Base64.getEncoder().encodeToString(s.getSignature().toByteArray()));
      }
    }
    return n;
  }

  private static String hex(ByteString b) {
    return LightJson.hex(b.toByteArray());
  }

  private static String time(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
