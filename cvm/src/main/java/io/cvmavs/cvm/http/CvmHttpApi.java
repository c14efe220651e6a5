package io.cvmavs.cvm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.http.HttpServerBootstrap;
import io.cvmavs.cvm.CvmException;
import io.cvmavs.cvm.block.BlockException;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.block.HeaderJson;
import io.cvmavs.cvm.block.RecordProofJson;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.engine.RunResult;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.stream.Collectors;

/**
 * The CVM interface over HTTP (Vert.x), bound to 127.0.0.1 unless told otherwise:
 *
 * <pre>
 * POST /manuscripts                                   body: manuscript YAML → 201 {manuscriptHash, name, datasets}
 * GET  /manuscripts                                   → [{manuscriptHash, name, height}]
 * POST /manuscripts/{hash}/blocks                     body: {"fromBlock":N,"toBlock":M} → runs the manuscript over the
 *                                                     range, builds and stores the next block → 201 header
 * GET  /manuscripts/{hash}/blocks/{height}            → header
 * GET  /blocks/{hash}                                 → header
 * GET  /blocks/{hash}/datasets/{name}/records?offset=&amp;limit=   → {total, records: [{index, values, record}]}
 * GET  /blocks/{hash}/datasets/{name}/records/{index}/proof      → record proof (as `cvm-avs cvm prove`)
 * GET  /blocks/{hash}/datasets/{name}/query?column=value...      → records whose columns equal the values (text)
 * GET  /events                                        → server-sent events: "block" with each new header
 * </pre>
 *
 * Errors are JSON {@code {"error": ..., "problems": [...]}} with 400 (bad input), 404 (unknown),
 * 409 (does not extend the chain) or 500. Runs and store access happen on worker threads; the event
 * loop never blocks.
 */
public final class CvmHttpApi extends VerticleBase {
  /** Source data of a block range: {@link io.cvmavs.cvm.ingest.SegmentStore#commitment} is one. */
  @FunctionalInterface
  public interface SourceCommitments {
    SourceCommitment of(String chain, long fromBlock, long toBlock);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CvmBlockStore store;
  private final ManuscriptRunner runner;
  private final SourceCommitments sources;
  private final CvmBlockBuilder builder;
  private final String host;
  private final int port;
  private final Set<HttpServerResponse> subscribers = new CopyOnWriteArraySet<>();
  private final HttpServerBootstrap http = new HttpServerBootstrap();

  public CvmHttpApi(
      CvmBlockStore store,
      ManuscriptRunner runner,
      SourceCommitments sources,
      CvmBlockBuilder builder,
      String host,
      int port) {
    this.store = store;
    this.runner = runner;
    this.sources = sources;
    this.builder = builder;
    this.host = host;
    this.port = port;
  }

  /** The port the server listens on (after start). */
  public int actualPort() {
    return http.port();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(4 * 1024 * 1024));
    router
        .post("/manuscripts")
        .handler(
            ctx ->
                blocking(
                    ctx,
                    201,
                    () ->
                        register(
                            ctx.body().buffer() == null
                                ? new byte[0]
                                : ctx.body().buffer().getBytes())));
    router.get("/manuscripts").handler(ctx -> blocking(ctx, 200, this::listManuscripts));
    router
        .post("/manuscripts/:hash/blocks")
        .handler(
            ctx ->
                blocking(
                    ctx, 201, () -> produceBlock(ctx.pathParam("hash"), ctx.body().asString())));
    router
        .get("/manuscripts/:hash/blocks/:height")
        .handler(
            ctx ->
                blocking(
                    ctx, 200, () -> blockAtHeight(ctx.pathParam("hash"), ctx.pathParam("height"))));
    router
        .get("/blocks/:hash")
        .handler(ctx -> blocking(ctx, 200, () -> HeaderJson.write(header(ctx.pathParam("hash")))));
    router
        .get("/blocks/:hash/datasets/:name/records")
        .handler(ctx -> blocking(ctx, 200, () -> records(ctx)));
    router
        .get("/blocks/:hash/datasets/:name/records/:index/proof")
        .handler(ctx -> blocking(ctx, 200, () -> proof(ctx)));
    router
        .get("/blocks/:hash/datasets/:name/query")
        .handler(ctx -> blocking(ctx, 200, () -> query(ctx)));
    router.get("/events").handler(this::subscribe);
    return http.listen(vertx, router, host, port);
  }

  @Override
  public Future<?> stop() {
    subscribers.forEach(r -> r.end());
    return http.close();
  }

  /** A request that failed with an HTTP status. */
  static final class HttpError extends RuntimeException {
    final int status;
    final List<String> problems;

    HttpError(int status, String message, List<String> problems) {
      super(message);
      this.status = status;
      this.problems = problems;
    }

    HttpError(int status, String message) {
      this(status, message, List.of());
    }
  }

  @FunctionalInterface
  interface Work {
    JsonNode run() throws Exception;
  }

  private void blocking(RoutingContext ctx, int status, Work work) {
    vertx
        .executeBlocking(work::run, false)
        .onSuccess(json -> send(ctx.response(), status, json))
        .onFailure(e -> fail(ctx.response(), e));
  }

  private static void send(HttpServerResponse response, int status, JsonNode body) {
    try {
      response
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fail(HttpServerResponse response, Throwable e) {
    int status;
    List<String> problems = List.of();
    if (e instanceof HttpError he) {
      status = he.status;
      problems = he.problems;
    } else if (e instanceof ManuscriptException me) {
      status = 400;
      problems = me.problems().stream().map(Object::toString).toList();
    } else if (e instanceof BlockException) {
      status = 409;
    } else if (e instanceof CvmException || e instanceof IllegalArgumentException) {
      status = 400;
    } else {
      status = 500;
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    problems.forEach(body.putArray("problems")::add);
    send(response, status, body);
  }

  private JsonNode register(byte[] yaml) {
    Manuscript m = new ManuscriptParser().parse("request body", yaml);
    ManuscriptRunner.compile(m); // SQL errors with line and column, before anything is stored
    byte[] hash = store.putManuscript(yaml);
    ObjectNode out = JSON.createObjectNode();
    out.put("manuscriptHash", HeaderJson.hex(hash));
    out.put("name", m.name());
    m.datasetSinks().forEach(s -> ((ArrayNode) out.withArray("datasets")).add(s.name()));
    return out;
  }

  private Manuscript manuscript(byte[] hash) {
    byte[] yaml =
        store
            .manuscript(hash)
            .orElseThrow(() -> new HttpError(404, "no manuscript " + HeaderJson.hex(hash)));
    return new ManuscriptParser().parse(HeaderJson.hex(hash), yaml);
  }

  private JsonNode listManuscripts() {
    ArrayNode out = JSON.createArrayNode();
    for (byte[] hash : store.manuscriptHashes()) {
      ObjectNode m = out.addObject();
      m.put("manuscriptHash", HeaderJson.hex(hash));
      m.put("name", manuscript(hash).name());
      Optional<CvmBlockHeader> head = store.head(hash);
      if (head.isPresent()) {
        m.put("height", head.get().height());
        m.put("headHash", HeaderJson.hex(head.get().hash()));
      } else {
        m.putNull("height");
      }
    }
    return out;
  }

  private JsonNode produceBlock(String hashHex, String body) throws IOException {
    byte[] hash = unhex(hashHex);
    Manuscript m = manuscript(hash);
    JsonNode req = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
    if (!req.path("fromBlock").canConvertToLong() || !req.path("toBlock").canConvertToLong()) {
      throw new HttpError(400, "the body must be {\"fromBlock\": N, \"toBlock\": M}");
    }
    long from = req.get("fromBlock").asLong();
    long to = req.get("toBlock").asLong();
    Set<String> chains = m.sources().stream().map(Source::chain).collect(Collectors.toSet());
    if (chains.size() != 1) {
      throw new HttpError(
          400, "manuscript reads several chains " + chains + "; a block covers one");
    }
    Optional<CvmBlockHeader> head = store.head(hash);
    if (head.isPresent() && from != head.get().input().toBlock() + 1) {
      throw new HttpError(
          409,
          "the next block must start at block "
              + (head.get().input().toBlock() + 1)
              + ", not "
              + from);
    }
    RunResult run =
        runner.run(
            m,
            RunOptions.range(from, to)
                .printingTo(new PrintStream(java.io.OutputStream.nullOutputStream())));
    SourceCommitment source = sources.of(chains.iterator().next(), from, to);
    CvmBlock block = builder.build(head, m, source, run);
    store.append(block);
    ObjectNode header = HeaderJson.write(block.header());
    publish(header);
    return header;
  }

  private JsonNode blockAtHeight(String manuscriptHex, String heightText) {
    long height;
    try {
      height = Long.parseLong(heightText);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "height must be a number, got '" + heightText + "'");
    }
    byte[] blockHash =
        store
            .blockHashAt(unhex(manuscriptHex), height)
            .orElseThrow(
                () ->
                    new HttpError(404, "manuscript " + manuscriptHex + " has no block " + height));
    return HeaderJson.write(store.header(blockHash).orElseThrow());
  }

  private CvmBlockHeader header(String hashHex) {
    return store
        .header(unhex(hashHex))
        .orElseThrow(() -> new HttpError(404, "no block " + hashHex));
  }

  private CvmBlock block(String hashHex) {
    return store.block(unhex(hashHex)).orElseThrow(() -> new HttpError(404, "no block " + hashHex));
  }

  private static CanonicalDataset dataset(CvmBlock block, String name) {
    CanonicalDataset ds = block.datasets().get(name);
    if (ds == null) {
      throw new HttpError(
          404,
          "block "
              + block.header().height()
              + " has no dataset '"
              + name
              + "' (it has "
              + block.datasets().keySet()
              + ")");
    }
    return ds;
  }

  private JsonNode records(RoutingContext ctx) {
    CanonicalDataset ds = dataset(block(ctx.pathParam("hash")), ctx.pathParam("name"));
    int offset = intParam(ctx, "offset", 0);
    int limit = Math.min(intParam(ctx, "limit", 100), 10_000);
    ObjectNode out = JSON.createObjectNode();
    out.put("total", ds.size());
    ds.columns().forEach(out.putArray("columns")::add);
    ArrayNode records = out.putArray("records");
    for (int i = offset; i < Math.min(ds.size(), offset + limit); i++) {
      records.add(record(ds, i));
    }
    return out;
  }

  private static ObjectNode record(CanonicalDataset ds, int i) {
    ObjectNode r = JSON.createObjectNode();
    r.put("index", i);
    r.set("values", RecordProofJson.values(ds.record(i)));
    r.put("record", HeaderJson.hex(ds.record(i)));
    return r;
  }

  private JsonNode proof(RoutingContext ctx) throws IOException {
    CvmBlock block = block(ctx.pathParam("hash"));
    dataset(block, ctx.pathParam("name"));
    int index = intParam(ctx.pathParam("index"), "index");
    if (index < 0 || index >= block.datasets().get(ctx.pathParam("name")).size()) {
      throw new HttpError(404, "dataset '" + ctx.pathParam("name") + "' has no record " + index);
    }
    return JSON.readTree(RecordProofJson.write(block.prove(ctx.pathParam("name"), index)));
  }

  private JsonNode query(RoutingContext ctx) {
    CanonicalDataset ds = dataset(block(ctx.pathParam("hash")), ctx.pathParam("name"));
    Map<Integer, String> where = new java.util.HashMap<>();
    for (Map.Entry<String, String> p : ctx.queryParams()) {
      int column = ds.columns().indexOf(p.getKey());
      if (column < 0) {
        throw new HttpError(
            400,
            "'"
                + p.getKey()
                + "' is not a column of '"
                + ctx.pathParam("name")
                + "' "
                + ds.columns());
      }
      where.put(column, p.getValue());
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode records = out.putArray("records");
    for (int i = 0; i < ds.size(); i++) {
      Object[] row = ds.row(i);
      boolean match =
          where.entrySet().stream()
              .allMatch(w -> String.valueOf(row[w.getKey()]).equalsIgnoreCase(w.getValue()));
      if (match) {
        records.add(record(ds, i));
      }
    }
    out.put("matched", records.size());
    return out;
  }

  private void subscribe(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    response.write(": subscribed\n\n");
    subscribers.add(response);
    response.closeHandler(v -> subscribers.remove(response));
  }

  private void publish(ObjectNode header) {
    String event = "event: block\ndata: " + header.toString() + "\n\n";
    vertx.runOnContext(
        v -> {
          for (HttpServerResponse r : subscribers) {
            r.write(event);
          }
        });
  }

  private static int intParam(RoutingContext ctx, String name, int fallback) {
    List<String> v = ctx.queryParam(name);
    return v.isEmpty() ? fallback : intParam(v.get(0), name);
  }

  private static int intParam(String text, String name) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new HttpError(400, name + " must be an integer, got '" + text + "'");
    }
  }

  private static byte[] unhex(String hex) {
    try {
      byte[] b = HeaderJson.unhex(hex);
      if (b.length != 32) {
        throw new HttpError(400, "expected a 32-byte hex hash, got '" + hex + "'");
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw new HttpError(400, "expected a 32-byte hex hash, got '" + hex + "'");
    }
  }
}
