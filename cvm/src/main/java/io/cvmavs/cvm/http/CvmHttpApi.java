package io.cvmavs.cvm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.lake.ParquetTables;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptException;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.manuscript.Sink;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CVM interface over HTTP (Vert.x), bound to 127.0.0.1 unless configured otherwise. Routes,
 * parameters and answers are in {@code cvm-openapi.json} (served at {@code /openapi.json}, checked
 * against the router by {@code CvmHttpApiTest}) and in cvm/README.md.
 *
 * <p>Safety: writes (POST) need an API key ({@code Authorization: Bearer KEY} or {@code
 * X-Api-Key}); every client (its key, else its address) has a request budget per minute; a
 * submitted manuscript may only have {@code dataset} sinks or side-effect sinks whose names the
 * configuration allows, and is parsed with no environment ({@code ${env.X}} is refused, never
 * expanded); building a block runs only the dataset sinks; reads are bounded in page size and time.
 * Every error is JSON {@code {"error", "field", "reason"}} with a 4xx for client mistakes; a 500
 * carries a reference to the server log, never a stack trace, and messages are stripped of server
 * paths.
 *
 * <p>Runs and store access happen on worker threads; the event loop never blocks.
 */
public final class CvmHttpApi extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CvmHttpApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> MANUSCRIPT_TYPES =
      List.of("application/yaml", "text/yaml", "application/json");
  private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{\\s*env\\.");
  private static final Pattern SERVER_PATH =
      Pattern.compile("(?<![\\w.:])/(?:[\\w.@+-]+/)+[\\w.@+-]*");
  private static final int REPLAY_BUFFER = 1024;

  /**
   * The ingested chain data a block is built over: a range's source commitment, the timestamp of a
   * chain block (a block's timestamp is its range's last chain block's, never the wall clock), and
   * the blocks of a range that were not ingested.
   */
  public interface ChainRanges {
    SourceCommitment commitment(String chain, long fromBlock, long toBlock);

    long blockTimestamp(String chain, long block);

    /** Sub-ranges {@code [from, to]} of the range that are not ingested (empty: all are). */
    List<long[]> gaps(String chain, long fromBlock, long toBlock);

    static ChainRanges of(SegmentStore store) {
      return new ChainRanges() {
        @Override
        public SourceCommitment commitment(String chain, long fromBlock, long toBlock) {
          return store.commitment(chain, fromBlock, toBlock);
        }

        @Override
        public long blockTimestamp(String chain, long block) {
          return store.blockTimestamp(chain, block);
        }

        @Override
        public List<long[]> gaps(String chain, long fromBlock, long toBlock) {
          return store.gaps(chain, fromBlock, toBlock);
        }
      };
    }
  }

  /**
   * The server's settings.
   *
   * @param apiKeys keys that may write; none: the server refuses every write (403)
   * @param allowedSinks names of side-effect sinks (print, filesystem, postgres) a submitted
   *     manuscript may carry; the server never runs them (blocks run only dataset sinks), they are
   *     stored for the data team's own {@code manuscript run}
   * @param requestsPerMinute each client's request budget (burst of the same size)
   * @param maxPageSize the largest {@code limit} a read accepts
   * @param readTimeout how long a read may take before it is answered with 503
   */
  public record Config(
      String host,
      int port,
      ApiKeys apiKeys,
      Set<String> allowedSinks,
      int requestsPerMinute,
      int maxPageSize,
      Duration readTimeout) {
    public Config {
      allowedSinks = Set.copyOf(allowedSinks);
      if (maxPageSize < 1
          || requestsPerMinute < 1
          || readTimeout.isNegative()
          || readTimeout.isZero()) {
        throw new IllegalArgumentException(
            "page size, request budget and read timeout must be positive");
      }
    }

    /** Loopback defaults: 600 requests per minute, pages of at most 1000, reads of at most 10 s. */
    public static Config of(String host, int port, ApiKeys apiKeys) {
      return new Config(host, port, apiKeys, Set.of(), 600, 1000, Duration.ofSeconds(10));
    }

    public Config withAllowedSinks(Set<String> names) {
      return new Config(host, port, apiKeys, names, requestsPerMinute, maxPageSize, readTimeout);
    }

    public Config withLimits(int perMinute, int pageSize, Duration timeout) {
      return new Config(host, port, apiKeys, allowedSinks, perMinute, pageSize, timeout);
    }
  }

  private record Event(long id, String manuscriptHash, long height, String data) {}

  /** One SSE connection; replayed events go out before live ones, none twice. */
  private static final class Subscriber {
    final HttpServerResponse response;
    final String manuscript; // null: every manuscript
    long lastHeight = -1; // per-manuscript streams
    long lastId; // global stream
    boolean replaying = true;
    final List<Event> pending = new ArrayList<>();

    Subscriber(HttpServerResponse response, String manuscript) {
      this.response = response;
      this.manuscript = manuscript;
    }
  }

  private final CvmBlockStore store;
  private final ManuscriptRunner runner;
  private final ChainRanges chain;
  private final Config config;
  private final RateLimiter limiter;
  private final LongSupplier clock;
  private final CvmBlockBuilder builder = new CvmBlockBuilder();
  private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
  private final Deque<Event> recent = new ArrayDeque<>();
  private final AtomicLong eventIds = new AtomicLong();
  private final AtomicLong errorRefs = new AtomicLong();

  /** Manuscript hash (hex) → its sinks' typed columns, from compiling its SQL once. */
  private final Map<String, Map<String, List<ManuscriptRunner.SqlColumn>>> schemas =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final HttpServerBootstrap http = new HttpServerBootstrap();
  private Router router;

  public CvmHttpApi(
      CvmBlockStore store, ManuscriptRunner runner, ChainRanges chain, Config config) {
    this(store, runner, chain, config, System::nanoTime);
  }

  /** With an injected clock for the rate limit and the time limit of record scans. */
  public CvmHttpApi(
      CvmBlockStore store,
      ManuscriptRunner runner,
      ChainRanges chain,
      Config config,
      LongSupplier nanoTime) {
    this.store = store;
    this.runner = runner;
    this.chain = chain;
    this.config = config;
    this.limiter = new RateLimiter(config.requestsPerMinute(), nanoTime);
    this.clock = nanoTime;
  }

  /** The port the server listens on (after start). */
  public int actualPort() {
    return http.port();
  }

  /** The router (after start), for tests that compare it with the OpenAPI document. */
  Router router() {
    return router;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    router.route().handler(this::rateLimit);
    router.route().handler(BodyHandler.create().setBodyLimit(4 * 1024 * 1024));
    router.get("/openapi.json").handler(this::openApi);
    router
        .post("/manuscripts")
        .handler(
            ctx -> {
              authorize(ctx);
              contentType(ctx, MANUSCRIPT_TYPES);
              byte[] body =
                  ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
              write(ctx, 201, () -> register(body));
            });
    router.get("/manuscripts").handler(ctx -> read(ctx, this::listManuscripts));
    router.get("/manuscripts/:hash").handler(this::manuscriptYaml);
    router
        .post("/manuscripts/:hash/blocks")
        .handler(
            ctx -> {
              authorize(ctx);
              contentType(ctx, List.of("application/json"));
              String body = ctx.body().asString();
              write(ctx, 201, () -> produceBlock(ctx.pathParam("hash"), body));
            });
    router.get("/manuscripts/:hash/blocks").handler(ctx -> read(ctx, () -> listBlocks(ctx)));
    router
        .get("/manuscripts/:hash/blocks/latest")
        .handler(ctx -> read(ctx, () -> latest(ctx.pathParam("hash"))));
    router
        .get("/manuscripts/:hash/blocks/:height")
        .handler(
            ctx -> read(ctx, () -> blockAtHeight(ctx.pathParam("hash"), ctx.pathParam("height"))));
    router
        .get("/manuscripts/:hash/datasets/:name/records")
        .handler(ctx -> read(ctx, () -> recordsAcrossBlocks(ctx)));
    router.get("/manuscripts/:hash/events").handler(ctx -> subscribe(ctx, ctx.pathParam("hash")));
    router
        .get("/blocks/:hash")
        .handler(ctx -> read(ctx, () -> HeaderJson.write(header(ctx.pathParam("hash")))));
    router
        .get("/blocks/:hash/datasets/:name/records")
        .handler(ctx -> read(ctx, () -> records(ctx)));
    router
        .get("/blocks/:hash/datasets/:name/records/:index/proof")
        .handler(ctx -> read(ctx, () -> proof(ctx)));
    router.get("/blocks/:hash/datasets/:name/query").handler(ctx -> read(ctx, () -> records(ctx)));
    router.get("/events").handler(ctx -> subscribe(ctx, null));
    router.route().failureHandler(this::failure);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, this::failure);
    }
    return http.listen(vertx, router, config.host(), config.port());
  }

  @Override
  public Future<?> stop() {
    subscribers.forEach(s -> s.response.end());
    return http.close();
  }

  // ---------------------------------------------------------------- request plumbing

  @FunctionalInterface
  interface Work {
    Object run() throws Exception;
  }

  /** A result that is not JSON: a body with its content type. */
  record Raw(String contentType, byte[] body) {
    Raw(String contentType, String text) {
      this(contentType, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void rateLimit(RoutingContext ctx) {
    String client = clientId(ctx);
    long wait = limiter.acquire(client);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      send(
          ctx.response(),
          429,
          error(
              "too many requests",
              null,
              "this client may send "
                  + config.requestsPerMinute()
                  + " requests a minute; retry in "
                  + wait
                  + " s"));
      return;
    }
    ctx.next();
  }

  private String clientId(RoutingContext ctx) {
    Optional<String> key = presentedKey(ctx);
    if (key.isPresent()) {
      Optional<Integer> match = config.apiKeys().match(key.get());
      if (match.isPresent()) {
        return "key#" + match.get();
      }
    }
    return "addr:"
        + (ctx.request().remoteAddress() == null
            ? "?"
            : ctx.request().remoteAddress().hostAddress());
  }

  private static Optional<String> presentedKey(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.of(auth.substring(7).strip());
    }
    return Optional.ofNullable(ctx.request().getHeader("X-Api-Key")).map(String::strip);
  }

  private void authorize(RoutingContext ctx) {
    if (config.apiKeys().isEmpty()) {
      throw new HttpError(
          403,
          "writes are disabled",
          null,
          "this server has no API keys configured, so it takes no writes");
    }
    Optional<String> key = presentedKey(ctx);
    if (key.isEmpty() || config.apiKeys().match(key.get()).isEmpty()) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      throw new HttpError(
          401,
          key.isEmpty() ? "missing API key" : "invalid API key",
          "Authorization",
          "writes need 'Authorization: Bearer KEY' (or 'X-Api-Key: KEY') with a key of this server");
    }
  }

  private static void contentType(RoutingContext ctx, List<String> accepted) {
    String given = ctx.request().getHeader("Content-Type");
    String type = given == null ? "" : given.split(";")[0].strip().toLowerCase(Locale.ROOT);
    if (!accepted.contains(type)) {
      throw new HttpError(
          415,
          "unsupported content type",
          "Content-Type",
          "send "
              + String.join(", ", accepted)
              + " (got "
              + (given == null ? "none" : "'" + type + "'")
              + ")");
    }
  }

  private void write(RoutingContext ctx, int status, Work work) {
    vertx
        .executeBlocking(work::run, false)
        .onSuccess(body -> send(ctx, status, body))
        .onFailure(e -> fail(ctx.response(), e));
  }

  private void read(RoutingContext ctx, Work work) {
    vertx
        .executeBlocking(work::run, false)
        .timeout(config.readTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .onSuccess(body -> send(ctx, 200, body))
        .onFailure(e -> fail(ctx.response(), e));
  }

  private void send(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    if (body instanceof FormattedAnswer formatted) {
      if (formatted.next != null) {
        ctx.response().putHeader("X-Next-Page", formatted.next);
      }
      body = formatted.raw;
    }
    if (body instanceof Raw raw) {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", raw.contentType())
          .end(Buffer.buffer(raw.body()));
    } else {
      send(ctx.response(), status, (JsonNode) body);
    }
  }

  private static void send(HttpServerResponse response, int status, JsonNode body) {
    if (response.ended()) {
      return;
    }
    try {
      response
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode error(String error, String field, String reason) {
    ObjectNode body = JSON.createObjectNode();
    body.put("error", error);
    body.put("field", field);
    body.put("reason", reason);
    return body;
  }

  /** Router failures (a handler threw, or Vert.x answered 404/405/413 itself) as JSON. */
  private void failure(RoutingContext ctx) {
    if (ctx.failure() != null) {
      fail(ctx.response(), ctx.failure());
      return;
    }
    int status = ctx.statusCode() < 0 ? 500 : ctx.statusCode();
    ObjectNode body =
        switch (status) {
          case 404 ->
              error(
                  "not found",
                  "path",
                  "no route "
                      + ctx.request().method()
                      + " "
                      + ctx.request().path()
                      + " (routes: /openapi.json)");
          case 405 ->
              error(
                  "method not allowed",
                  "method",
                  ctx.request().method() + " is not served on " + ctx.request().path());
          case 413 -> error("request too large", "body", "the body may have at most 4 MiB");
          default -> error("request failed", null, "HTTP " + status);
        };
    send(ctx.response(), status, body);
  }

  private void fail(HttpServerResponse response, Throwable e) {
    int status;
    ObjectNode body;
    if (e instanceof HttpError he) {
      status = he.status;
      body = error(he.getMessage(), he.field, he.reason);
      he.problems.forEach(body.putArray("problems")::add);
    } else if (e instanceof ManuscriptException me) {
      status = 400;
      List<String> problems = me.problems().stream().map(Object::toString).toList();
      body =
          error(
              "invalid manuscript",
              me.problems().isEmpty() ? "body" : me.problems().get(0).field(),
              scrub(problems.isEmpty() ? me.getMessage() : problems.get(0)));
      problems.forEach(p -> body.withArray("problems").add(scrub(p)));
    } else if (e instanceof JsonProcessingException je) {
      status = 400;
      body = error("invalid JSON", "body", je.getOriginalMessage());
    } else if (e instanceof TimeoutException
        || e.getClass().getSimpleName().endsWith("TimeoutException")) {
      status = 503;
      body =
          error(
              "read timed out",
              null,
              "the read took longer than "
                  + config.readTimeout().toMillis()
                  + " ms; narrow it (filters, limit)");
    } else if (e instanceof BlockException be) {
      status = 409;
      body = error("conflict", null, scrub(be.getMessage()));
    } else if (e instanceof CvmException || e instanceof IllegalArgumentException) {
      status = 400;
      body = error("refused", null, scrub(String.valueOf(e.getMessage())));
    } else {
      status = 500;
      long ref = errorRefs.incrementAndGet();
      LOG.error("CVM HTTP request failed (reference {})", ref, e);
      body = error("internal error", null, "see the server log, reference " + ref);
    }
    send(response, status, body);
  }

  /** Replaces absolute filesystem paths in a message, so no server path reaches a client. */
  static String scrub(String message) {
    return message == null ? null : SERVER_PATH.matcher(message).replaceAll("<path>");
  }

  // ---------------------------------------------------------------- manuscripts and blocks

  private void openApi(RoutingContext ctx) {
    try (InputStream in = CvmHttpApi.class.getResourceAsStream("cvm-openapi.json")) {
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(in.readAllBytes()));
    } catch (IOException | NullPointerException e) {
      fail(ctx.response(), new IllegalStateException("the OpenAPI document is missing", e));
    }
  }

  private JsonNode register(byte[] yaml) {
    String text = new String(yaml, StandardCharsets.UTF_8);
    Matcher env = ENV_PLACEHOLDER.matcher(text);
    if (env.find()) {
      int line = (int) text.substring(0, env.start()).chars().filter(c -> c == '\n').count() + 1;
      throw new HttpError(
          400,
          "invalid manuscript",
          "body",
          "line "
              + line
              + ": ${env.…} placeholders are not expanded in manuscripts sent over HTTP");
    }
    Manuscript m = parse("request body", yaml);
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < m.sinks().size(); i++) {
      Sink s = m.sinks().get(i);
      if (s.sideEffect() && !config.allowedSinks().contains(s.name())) {
        refused.add("sinks[" + i + "] '" + s.name() + "' (" + s.type().yamlName() + ")");
      }
    }
    if (!refused.isEmpty()) {
      throw new HttpError(
          400,
          "sink not allowed",
          refused.get(0).substring(0, refused.get(0).indexOf(' ')),
          "manuscripts sent over HTTP may only have dataset sinks"
              + (config.allowedSinks().isEmpty()
                  ? ""
                  : " or the sinks this server allows "
                      + new java.util.TreeSet<>(config.allowedSinks()))
              + "; refused: "
              + String.join(", ", refused));
    }
    // SQL errors with line and column, before anything is stored
    Map<String, List<ManuscriptRunner.SqlColumn>> sinkSchemas = ManuscriptRunner.compile(m);
    byte[] hash = store.putManuscript(yaml);
    schemas.put(HeaderJson.hex(hash), sinkSchemas);
    ObjectNode out = JSON.createObjectNode();
    out.put("manuscriptHash", HeaderJson.hex(hash));
    out.put("name", m.name());
    m.datasetSinks().forEach(s -> ((ArrayNode) out.withArray("datasets")).add(s.name()));
    return out;
  }

  /** Parses with no environment: a client's manuscript never sees the server's. */
  private static Manuscript parse(String file, byte[] yaml) {
    return new ManuscriptParser(Map.of()).parse(file, yaml);
  }

  private byte[] manuscriptBytes(byte[] hash) {
    return store
        .manuscript(hash)
        .orElseThrow(
            () ->
                new HttpError(
                    404, "unknown manuscript", "hash", "no manuscript " + HeaderJson.hex(hash)));
  }

  private Manuscript manuscript(byte[] hash) {
    return parse(HeaderJson.hex(hash), manuscriptBytes(hash));
  }

  /**
   * The dataset's columns with the SQL types its manuscript gives them (compiled once per
   * manuscript and server), or null when the manuscript is not stored here or its columns are not
   * the dataset's.
   */
  private List<ManuscriptRunner.SqlColumn> schema(
      byte[] manuscriptHash, String dataset, List<String> columns) {
    String key = HeaderJson.hex(manuscriptHash);
    if (!schemas.containsKey(key)) {
      Optional<byte[]> yaml = store.manuscript(manuscriptHash);
      if (yaml.isEmpty()) {
        return null;
      }
      Map<String, List<ManuscriptRunner.SqlColumn>> compiled;
      try {
        compiled = ManuscriptRunner.compile(parse(key, yaml.get()));
      } catch (RuntimeException e) {
        // Answers go out without types rather than fail: the records themselves do not depend on
        // compiling the SQL again (e.g. a manuscript this Flink version no longer accepts).
        LOG.warn("no column types for manuscript {}: {}", key, e.getMessage());
        compiled = Map.of();
      }
      schemas.putIfAbsent(key, compiled);
    }
    List<ManuscriptRunner.SqlColumn> typed = schemas.get(key).get(dataset);
    if (typed == null
        || !typed.stream().map(ManuscriptRunner.SqlColumn::name).toList().equals(columns)) {
      return null;
    }
    return typed;
  }

  private void manuscriptYaml(RoutingContext ctx) {
    read(
        ctx,
        () ->
            new Raw(
                "application/yaml",
                new String(
                    manuscriptBytes(unhex(ctx.pathParam("hash"), "hash")),
                    StandardCharsets.UTF_8)));
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
    byte[] hash = unhex(hashHex, "hash");
    Manuscript m = manuscript(hash);
    JsonNode req = JSON.readTree(body == null || body.isBlank() ? "{}" : body);
    for (String f : List.of("fromBlock", "toBlock")) {
      if (!req.path(f).canConvertToLong()
          || !req.path(f).isIntegralNumber()
          || req.path(f).asLong() < 0) {
        throw new HttpError(
            400,
            "invalid block range",
            f,
            "the body must be {\"fromBlock\": N, \"toBlock\": M} with 0 <= N <= M");
      }
    }
    long from = req.get("fromBlock").asLong();
    long to = req.get("toBlock").asLong();
    if (to < from) {
      throw new HttpError(
          400, "invalid block range", "toBlock", "toBlock " + to + " is below fromBlock " + from);
    }
    Set<String> chains = m.sources().stream().map(Source::chain).collect(Collectors.toSet());
    if (chains.size() != 1) {
      throw new HttpError(
          400,
          "manuscript reads several chains",
          "sources",
          "it reads " + chains + "; a block covers one");
    }
    return buildBlock(hash, m, chains.iterator().next(), from, to);
  }

  /**
   * Builds, stores and publishes the block of {@code [from, to]} on the manuscript's head: its
   * dataset sinks only, the timestamp of chain block {@code to}. One build at a time per server, so
   * HTTP builds and the follow mode never race for the head.
   */
  private synchronized ObjectNode buildBlock(
      byte[] hash, Manuscript m, String chainName, long from, long to) {
    String hashHex = HeaderJson.hex(hash);
    Optional<CvmBlockHeader> head = store.head(hash);
    if (head.isPresent() && from != head.get().input().toBlock() + 1) {
      throw new HttpError(
          409,
          "the next block must start at block "
              + (head.get().input().toBlock() + 1)
              + ", not "
              + from,
          "fromBlock",
          "blocks of a manuscript cover consecutive ranges");
    }
    List<long[]> gaps = chain.gaps(chainName, from, to);
    if (!gaps.isEmpty()) {
      throw new HttpError(
          404,
          "blocks not ingested",
          "toBlock",
          "chain '"
              + chainName
              + "' blocks "
              + gaps.stream().map(g -> g[0] + "-" + g[1]).collect(Collectors.joining(", "))
              + " are not ingested on this server");
    }
    RunResult run =
        runner.run(
            m.datasetsOnly(), // building an attested block never writes side-effect sinks
            RunOptions.range(from, to)
                .printingTo(new PrintStream(java.io.OutputStream.nullOutputStream())));
    SourceCommitment source = chain.commitment(chainName, from, to);
    CvmBlock block = builder.build(head, m, source, run, chain.blockTimestamp(chainName, to));
    store.append(block);
    ObjectNode header = HeaderJson.write(block.header());
    publish(hashHex.toLowerCase(Locale.ROOT), block.header().height(), header);
    return header;
  }

  /**
   * Follow mode: for every registered manuscript that reads only {@code chainName}, builds each
   * next block of {@code span} chain blocks that ends at or below {@code ingestedTo} (all of it
   * ingested), on its head, exactly as {@code POST /manuscripts/{hash}/blocks} does (same
   * timestamps, events). A manuscript without blocks starts at {@code firstBlock}; one with blocks
   * continues after its head's range, so a restarted server neither rebuilds nor skips a range. A
   * manuscript whose build fails is logged and tried again on the next call.
   *
   * @return the headers built, in order
   */
  public List<CvmBlockHeader> buildFollowing(
      String chainName, long firstBlock, long span, long ingestedTo) {
    if (span < 1 || firstBlock < 0) {
      throw new IllegalArgumentException("span must be positive and the first block >= 0");
    }
    List<CvmBlockHeader> built = new ArrayList<>();
    for (byte[] hash : store.manuscriptHashes()) {
      Manuscript m;
      try {
        m = manuscript(hash);
      } catch (RuntimeException e) {
        LOG.warn("follow: manuscript {} does not parse: {}", HeaderJson.hex(hash), e.getMessage());
        continue;
      }
      if (!m.sources().stream().allMatch(s -> s.chain().equals(chainName))) {
        continue;
      }
      while (true) {
        long from = store.head(hash).map(h -> h.input().toBlock() + 1).orElse(firstBlock);
        long to = from + span - 1;
        if (to > ingestedTo) {
          break;
        }
        try {
          buildBlock(hash, m, chainName, from, to);
          built.add(store.head(hash).orElseThrow());
        } catch (RuntimeException e) {
          LOG.warn(
              "follow: block of {} ({} blocks {}-{}) not built: {}",
              m.name(),
              chainName,
              from,
              to,
              e.getMessage());
          break;
        }
      }
    }
    return built;
  }

  private JsonNode listBlocks(RoutingContext ctx) {
    byte[] m = unhex(ctx.pathParam("hash"), "hash");
    manuscriptBytes(m);
    int limit = limit(ctx, 20);
    long top = store.head(m).map(CvmBlockHeader::height).orElse(-1L);
    List<String> before = ctx.queryParam("before");
    if (!before.isEmpty()) {
      top = Math.min(top, longParam(before.get(0), "before") - 1);
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode blocks = out.putArray("blocks");
    long h = top;
    for (; h >= 0 && blocks.size() < limit; h--) {
      blocks.add(
          HeaderJson.write(store.header(store.blockHashAt(m, h).orElseThrow()).orElseThrow()));
    }
    if (h >= 0) {
      out.put("next", "before=" + (h + 1));
    } else {
      out.putNull("next");
    }
    return out;
  }

  private JsonNode latest(String manuscriptHex) {
    byte[] m = unhex(manuscriptHex, "hash");
    manuscriptBytes(m);
    return HeaderJson.write(
        store
            .head(m)
            .orElseThrow(
                () ->
                    new HttpError(
                        404,
                        "no blocks yet",
                        "hash",
                        "manuscript " + manuscriptHex + " has no block yet")));
  }

  private JsonNode blockAtHeight(String manuscriptHex, String heightText) {
    long height = longParam(heightText, "height");
    byte[] blockHash =
        store
            .blockHashAt(unhex(manuscriptHex, "hash"), height)
            .orElseThrow(
                () ->
                    new HttpError(
                        404,
                        "unknown block",
                        "height",
                        "manuscript " + manuscriptHex + " has no block " + height));
    return HeaderJson.write(store.header(blockHash).orElseThrow());
  }

  private CvmBlockHeader header(String hashHex) {
    return store
        .header(unhex(hashHex, "hash"))
        .orElseThrow(() -> new HttpError(404, "unknown block", "hash", "no block " + hashHex));
  }

  private CvmBlock block(String hashHex) {
    return store
        .block(unhex(hashHex, "hash"))
        .orElseThrow(() -> new HttpError(404, "unknown block", "hash", "no block " + hashHex));
  }

  private static CanonicalDataset dataset(CvmBlock block, String name) {
    CanonicalDataset ds = block.datasets().get(name);
    if (ds == null) {
      throw new HttpError(
          404,
          "unknown dataset",
          "name",
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

  // ---------------------------------------------------------------- records

  /** A matching record: where it is, and its values. */
  private record Hit(long height, String blockHash, int index, Object[] row, byte[] record) {}

  /** The answer formats of the records routes. */
  enum Format {
    JSON,
    CSV,
    PARQUET
  }

  static final String PARQUET_TYPE = "application/vnd.apache.parquet";

  private JsonNode recordsOrCsv(
      RoutingContext ctx,
      List<String> columns,
      List<ManuscriptRunner.SqlColumn> schema,
      List<Hit> page,
      long total,
      String next,
      boolean acrossBlocks) {
    Format format = format(ctx);
    if (format == Format.CSV) {
      StringBuilder sb = new StringBuilder();
      List<String> header = new ArrayList<>();
      if (acrossBlocks) {
        header.add("height");
      }
      header.add("index");
      header.addAll(columns);
      sb.append(header.stream().map(CvmHttpApi::csvField).collect(Collectors.joining(",")))
          .append("\r\n");
      for (Hit h : page) {
        List<String> fields = new ArrayList<>();
        if (acrossBlocks) {
          fields.add(Long.toString(h.height()));
        }
        fields.add(Integer.toString(h.index()));
        for (JsonNode v : RecordProofJson.values(h.record())) {
          fields.add(v.isNull() ? "" : v.asText());
        }
        sb.append(fields.stream().map(CvmHttpApi::csvField).collect(Collectors.joining(",")))
            .append("\r\n");
      }
      throw new FormattedAnswer(new Raw("text/csv; charset=utf-8", sb.toString()), next);
    }
    if (format == Format.PARQUET) {
      throw new FormattedAnswer(
          new Raw(
              PARQUET_TYPE, parquet(ctx.pathParam("name"), columns, schema, page, acrossBlocks)),
          next);
    }
    ObjectNode out = JSON.createObjectNode();
    if (total >= 0) {
      out.put("total", total);
    }
    columns.forEach(out.putArray("columns")::add);
    if (schema != null) {
      ArrayNode typed = out.putArray("schema");
      for (ManuscriptRunner.SqlColumn c : schema) {
        typed.addObject().put("name", c.name()).put("type", c.type()).put("nullable", c.nullable());
      }
    }
    ArrayNode records = out.putArray("records");
    for (Hit h : page) {
      ObjectNode r = records.addObject();
      if (acrossBlocks) {
        r.put("height", h.height());
        r.put("blockHash", h.blockHash());
      }
      r.put("index", h.index());
      r.set("values", RecordProofJson.values(h.record()));
      r.put("record", HeaderJson.hex(h.record()));
    }
    out.put("matched", page.size());
    if (next != null) {
      out.put("next", next);
    } else {
      out.putNull("next");
    }
    return out;
  }

  /**
   * A page as one Parquet file (message = the dataset's name): {@code height} (across blocks) and
   * {@code index} INT64, then the dataset's columns. With the manuscript's column types ({@code
   * schema}, so every page of a dataset has the same Parquet schema): BIGINT / INT / SMALLINT /
   * TINYINT are INT64, DOUBLE / FLOAT DOUBLE, BOOLEAN BOOLEAN, every other type STRING. Without
   * them (the server does not hold the manuscript), from the page: a column whose values on the
   * page are all integers is INT64, all doubles DOUBLE, all booleans BOOLEAN (all NULL: STRING);
   * anything else (decimals such as uint256 amounts, text, bytes, timestamps, dates, mixed types)
   * is a UTF-8 STRING with the text of the JSON {@code values}. NULL stays NULL.
   */
  private static byte[] parquet(
      String name,
      List<String> columns,
      List<ManuscriptRunner.SqlColumn> schema,
      List<Hit> page,
      boolean acrossBlocks) {
    int extra = acrossBlocks ? 2 : 1;
    List<Object[]> decoded =
        page.stream().map(h -> io.cvmavs.cvm.proof.CanonicalDecoding.decode(h.record())).toList();
    List<ParquetTables.Field> fields = new ArrayList<>();
    if (acrossBlocks) {
      fields.add(new ParquetTables.Field("height", ParquetTables.Type.INT64));
    }
    fields.add(new ParquetTables.Field("index", ParquetTables.Type.INT64));
    List<ParquetTables.Type> types = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      Class<?> only = null;
      boolean mixed = false;
      for (Object[] row : decoded) {
        Object v = row[c];
        if (v != null) {
          mixed |= only != null && only != v.getClass();
          only = v.getClass();
        }
      }
      ParquetTables.Type declared = schema == null ? null : parquetType(schema.get(c).type());
      ParquetTables.Type t =
          declared != null
              ? (only == null || (!mixed && javaType(declared) == only)
                  ? declared
                  : ParquetTables.Type.STRING) // a value unlike its declared type: text
              : mixed || only == null
                  ? ParquetTables.Type.STRING
                  : only == Long.class
                      ? ParquetTables.Type.INT64
                      : only == Double.class
                          ? ParquetTables.Type.DOUBLE
                          : only == Boolean.class
                              ? ParquetTables.Type.BOOLEAN
                              : ParquetTables.Type.STRING;
      types.add(t);
      fields.add(new ParquetTables.Field(columns.get(c), t));
    }
    List<Object[]> rows = new ArrayList<>(page.size());
    for (int r = 0; r < page.size(); r++) {
      Hit h = page.get(r);
      Object[] row = new Object[extra + columns.size()];
      if (acrossBlocks) {
        row[0] = h.height();
      }
      row[extra - 1] = (long) h.index();
      JsonNode values = RecordProofJson.values(h.record());
      for (int c = 0; c < columns.size(); c++) {
        Object v = decoded.get(r)[c];
        row[extra + c] =
            v == null
                ? null
                : types.get(c) == ParquetTables.Type.STRING ? values.get(c).asText() : v;
      }
      rows.add(row);
    }
    return ParquetTables.toBytes(name, fields, rows);
  }

  /** The Parquet type of a Flink SQL column type (as {@code ManuscriptRunner.SqlColumn.type}). */
  private static ParquetTables.Type parquetType(String sqlType) {
    String base = sqlType.toUpperCase(java.util.Locale.ROOT).replaceAll("[ (].*", "");
    return switch (base) {
      case "BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT" -> ParquetTables.Type.INT64;
      case "DOUBLE", "FLOAT" -> ParquetTables.Type.DOUBLE;
      case "BOOLEAN" -> ParquetTables.Type.BOOLEAN;
      default -> ParquetTables.Type.STRING;
    };
  }

  /** The decoded value class a Parquet type takes as is (STRING takes the JSON text instead). */
  private static Class<?> javaType(ParquetTables.Type t) {
    return switch (t) {
      case INT64 -> Long.class;
      case DOUBLE -> Double.class;
      case BOOLEAN -> Boolean.class;
      default -> null;
    };
  }

  /** Carries a CSV or Parquet answer (and its next page) out of the JSON-typed record code. */
  private static final class FormattedAnswer extends RuntimeException {
    final transient Raw raw;
    final String next;

    FormattedAnswer(Raw raw, String next) {
      super(null, null, false, false);
      this.raw = raw;
      this.next = next;
    }
  }

  private static Format format(RoutingContext ctx) {
    List<String> format = ctx.queryParam("format");
    if (!format.isEmpty()) {
      return switch (format.get(0)) {
        case "csv" -> Format.CSV;
        case "parquet" -> Format.PARQUET;
        case "json" -> Format.JSON;
        default ->
            throw new HttpError(
                400,
                "invalid format",
                "format",
                "use json, csv or parquet, got '" + format.get(0) + "'");
      };
    }
    String accept = ctx.request().getHeader("Accept");
    if (accept != null && accept.contains("text/csv")) {
      return Format.CSV;
    }
    if (accept != null && accept.contains(PARQUET_TYPE)) {
      return Format.PARQUET;
    }
    return Format.JSON;
  }

  static String csvField(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private Object records(RoutingContext ctx) {
    CvmBlock block = block(ctx.pathParam("hash"));
    CanonicalDataset ds = dataset(block, ctx.pathParam("name"));
    RecordQuery query = RecordQuery.parse(ctx.queryParams().entries(), ds.columns());
    int offset = offset(ctx);
    int limit = limit(ctx, 100);
    long deadline = clock.getAsLong() + config.readTimeout().toNanos();
    List<Hit> hits = new ArrayList<>();
    String blockHash = HeaderJson.hex(block.header().hash());
    for (int i = 0; i < ds.size(); i++) {
      checkDeadline(i, deadline);
      Object[] row = ds.row(i);
      if (query.matches(row)) {
        hits.add(new Hit(block.header().height(), blockHash, i, row, null));
      }
    }
    if (query.ordered()) {
      hits.sort((a, b) -> query.comparator().compare(a.row(), b.row()));
    }
    List<Hit> page =
        hits.subList(Math.min(offset, hits.size()), Math.min(hits.size(), offset + limit)).stream()
            .map(h -> new Hit(h.height(), h.blockHash(), h.index(), h.row(), ds.record(h.index())))
            .toList();
    String next = offset + limit < hits.size() ? "offset=" + (offset + limit) : null;
    List<ManuscriptRunner.SqlColumn> schema =
        format(ctx) != Format.CSV
            ? schema(block.header().manuscriptHash(), ctx.pathParam("name"), ds.columns())
            : null;
    return answer(() -> recordsOrCsv(ctx, ds.columns(), schema, page, hits.size(), next, false));
  }

  /**
   * Records of one dataset across every block of a manuscript, filtered and ordered, a page at a
   * time. The cursor pins the head height of the first page, so later blocks do not shift pages. In
   * the natural order (height, then canonical order) the cursor holds the position of the next
   * record, so a page reads only the blocks from there until it is full; with {@code order=} every
   * block up to the pinned head is read (the order is global) and the cursor holds an offset.
   */
  private Object recordsAcrossBlocks(RoutingContext ctx) {
    byte[] m = unhex(ctx.pathParam("hash"), "hash");
    Manuscript manuscript = manuscript(m);
    String name = ctx.pathParam("name");
    if (manuscript.datasetSinks().stream().noneMatch(s -> s.name().equals(name))) {
      throw new HttpError(
          404,
          "unknown dataset",
          "name",
          "manuscript " + ctx.pathParam("hash") + " has no dataset '" + name + "'");
    }
    int limit = limit(ctx, 100);
    boolean ordered = ctx.queryParams().contains("order");
    List<String> cursorParam = ctx.queryParam("cursor");
    Cursor cursor =
        cursorParam.isEmpty()
            ? new Cursor(store.head(m).map(CvmBlockHeader::height).orElse(-1L), 0, 0, 0)
            : Cursor.decode(cursorParam.get(0), ordered);
    long deadline = clock.getAsLong() + config.readTimeout().toNanos();
    List<String> columns = null;
    RecordQuery query = null;
    List<Hit> hits = new ArrayList<>();
    Map<String, CanonicalDataset> datasets = new java.util.HashMap<>();
    long scanned = 0;
    String next = null;
    scan:
    for (long h = ordered ? 0 : cursor.height(); h <= cursor.top(); h++) {
      CvmBlock block = store.block(store.blockHashAt(m, h).orElseThrow()).orElseThrow();
      CanonicalDataset ds = dataset(block, name);
      if (columns == null) {
        columns = ds.columns();
        query = RecordQuery.parse(ctx.queryParams().entries(), columns);
      }
      String blockHash = HeaderJson.hex(block.header().hash());
      datasets.put(blockHash, ds);
      int first = !ordered && h == cursor.height() ? cursor.index() : 0;
      for (int i = first; i < ds.size(); i++) {
        checkDeadline(scanned++, deadline);
        Object[] row = ds.row(i);
        if (query.matches(row)) {
          if (!ordered && hits.size() == limit) {
            next = new Cursor(cursor.top(), h, i, 0).encode();
            break scan; // natural order: the page is complete, the next one starts here
          }
          hits.add(new Hit(h, blockHash, i, row, null));
        }
      }
    }
    if (columns == null) {
      columns = List.of();
      RecordQuery.parse(ctx.queryParams().entries(), columns);
    }
    int from = 0;
    int to = hits.size();
    if (ordered && query != null) {
      RecordQuery q = query;
      hits.sort((a, b) -> q.comparator().compare(a.row(), b.row()));
      from = (int) Math.min(cursor.offset(), hits.size());
      to = (int) Math.min(hits.size(), cursor.offset() + limit);
      if (to < hits.size()) {
        next = new Cursor(cursor.top(), 0, 0, to).encode();
      }
    }
    List<Hit> page =
        hits.subList(from, to).stream()
            .map(
                h ->
                    new Hit(
                        h.height(),
                        h.blockHash(),
                        h.index(),
                        h.row(),
                        datasets.get(h.blockHash()).record(h.index())))
            .toList();
    List<String> cols = columns;
    String nextPage = next;
    List<ManuscriptRunner.SqlColumn> schema =
        format(ctx) != Format.CSV && !cols.isEmpty() ? schema(m, name, cols) : null;
    return answer(() -> recordsOrCsv(ctx, cols, schema, page, -1, nextPage, true));
  }

  /**
   * A page position across blocks: {@code top} is the head height the first page saw; in the
   * natural order the next record is record {@code index} of block {@code height}, with {@code
   * order=} the next page starts {@code offset} records into the ordered matches.
   */
  private record Cursor(long top, long height, int index, long offset) {
    String encode() {
      String text =
          offset > 0 ? "o1:" + top + ":" + offset : "p1:" + top + ":" + height + ":" + index;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    static Cursor decode(String cursor, boolean ordered) {
      try {
        String[] p =
            new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
        if (ordered && p.length == 3 && p[0].equals("o1")) {
          long top = Long.parseLong(p[1]);
          long offset = Long.parseLong(p[2]);
          if (top >= -1 && offset >= 0) {
            return new Cursor(top, 0, 0, offset);
          }
        } else if (!ordered && p.length == 4 && p[0].equals("p1")) {
          long top = Long.parseLong(p[1]);
          long height = Long.parseLong(p[2]);
          int index = Integer.parseInt(p[3]);
          if (top >= -1 && height >= 0 && height <= top + 1 && index >= 0) {
            return new Cursor(top, height, index, 0);
          }
        }
      } catch (IllegalArgumentException e) {
        // falls through to the error below
      }
      throw new HttpError(
          400,
          "invalid cursor",
          "cursor",
          "pass the 'next' value of the previous page unchanged, with the same order");
    }
  }

  private static Object answer(java.util.function.Supplier<JsonNode> json) {
    try {
      return json.get();
    } catch (FormattedAnswer formatted) {
      return formatted;
    }
  }

  private void checkDeadline(long i, long deadline) {
    if ((i & 1023) == 0 && clock.getAsLong() > deadline) {
      throw new HttpError(
          503, "read timed out", null, "the scan took too long; narrow it (filters, limit)");
    }
  }

  private JsonNode proof(RoutingContext ctx) throws IOException {
    CvmBlock block = block(ctx.pathParam("hash"));
    CanonicalDataset ds = dataset(block, ctx.pathParam("name"));
    long index = longParam(ctx.pathParam("index"), "index");
    if (index < 0 || index >= ds.size()) {
      throw new HttpError(
          404,
          "unknown record",
          "index",
          "dataset '"
              + ctx.pathParam("name")
              + "' has no record "
              + index
              + " (it has "
              + ds.size()
              + ")");
    }
    return JSON.readTree(RecordProofJson.write(block.prove(ctx.pathParam("name"), (int) index)));
  }

  private int offset(RoutingContext ctx) {
    List<String> v = ctx.queryParam("offset");
    if (v.isEmpty()) {
      return 0;
    }
    long o = longParam(v.get(0), "offset");
    if (o < 0 || o > Integer.MAX_VALUE) {
      throw new HttpError(
          400,
          "invalid offset",
          "offset",
          "must be between 0 and " + Integer.MAX_VALUE + ", got " + v.get(0));
    }
    return (int) o;
  }

  private int limit(RoutingContext ctx, int fallback) {
    List<String> v = ctx.queryParam("limit");
    if (v.isEmpty()) {
      return Math.min(fallback, config.maxPageSize());
    }
    long l = longParam(v.get(0), "limit");
    if (l < 1 || l > config.maxPageSize()) {
      throw new HttpError(
          400,
          "invalid limit",
          "limit",
          "must be between 1 and " + config.maxPageSize() + ", got " + v.get(0));
    }
    return (int) l;
  }

  private static long longParam(String text, String name) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new HttpError(400, "invalid " + name, name, "must be an integer, got '" + text + "'");
    }
  }

  private static byte[] unhex(String hex, String field) {
    try {
      byte[] b = HeaderJson.unhex(hex);
      if (b.length == 32) {
        return b;
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw new HttpError(
        400, "invalid hash", field, "expected a 32-byte hex hash, got '" + hex + "'");
  }

  // ---------------------------------------------------------------- server-sent events

  /**
   * {@code GET /events} (every manuscript; event ids are a sequence of this server process,
   * replayed from the last {@value #REPLAY_BUFFER} events) and {@code GET
   * /manuscripts/{hash}/events} (event id = block height, replayed from the store, so a client that
   * reconnects with {@code Last-Event-ID} misses nothing even across a server restart).
   */
  private void subscribe(RoutingContext ctx, String manuscriptHex) {
    String manuscript = manuscriptHex == null ? null : HeaderJson.hex(unhex(manuscriptHex, "hash"));
    String lastHeader = ctx.request().getHeader("Last-Event-ID");
    long last = -1;
    if (lastHeader != null && !lastHeader.isBlank()) {
      last = longParam(lastHeader.strip(), "Last-Event-ID");
    }
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    response.write(": subscribed\n\n");
    Subscriber sub = new Subscriber(response, manuscript);
    subscribers.add(sub);
    response.closeHandler(v -> subscribers.remove(sub));
    long after = last;
    if (manuscript == null) {
      sub.lastId = after;
      List<Event> replay;
      synchronized (recent) {
        replay = recent.stream().filter(e -> after >= 0 && e.id() > after).toList();
      }
      replay.forEach(e -> deliver(sub, e));
      finishReplay(sub);
      return;
    }
    sub.lastHeight = after;
    byte[] m = unhex(manuscript, "hash");
    vertx
        .executeBlocking(
            () -> {
              List<Event> replay = new ArrayList<>();
              if (lastHeader == null) {
                return replay; // a new subscriber gets new blocks only
              }
              long top = store.head(m).map(CvmBlockHeader::height).orElse(-1L);
              for (long h = after + 1; h <= top; h++) {
                CvmBlockHeader header =
                    store.header(store.blockHashAt(m, h).orElseThrow()).orElseThrow();
                replay.add(new Event(h, manuscript, h, HeaderJson.write(header).toString()));
              }
              return replay;
            },
            false)
        .onComplete(
            r -> {
              if (r.succeeded()) {
                r.result().forEach(e -> deliver(sub, e));
              }
              finishReplay(sub);
            });
  }

  private void finishReplay(Subscriber sub) {
    sub.replaying = false;
    sub.pending.forEach(e -> deliver(sub, e));
    sub.pending.clear();
  }

  /** Writes an event unless the subscriber already has it; runs on the event loop. */
  private static void deliver(Subscriber sub, Event e) {
    if (sub.manuscript == null) {
      if (e.id() <= sub.lastId) {
        return;
      }
      sub.lastId = e.id();
      sub.response.write("id: " + e.id() + "\nevent: block\ndata: " + e.data() + "\n\n");
    } else {
      if (!sub.manuscript.equals(e.manuscriptHash()) || e.height() <= sub.lastHeight) {
        return;
      }
      sub.lastHeight = e.height();
      sub.response.write("id: " + e.height() + "\nevent: block\ndata: " + e.data() + "\n\n");
    }
  }

  private void publish(String manuscriptHex, long height, ObjectNode header) {
    String manuscript = HeaderJson.hex(unhex(manuscriptHex, "hash"));
    String data = header.toString();
    vertx.runOnContext(
        v -> {
          Event e = new Event(eventIds.incrementAndGet(), manuscript, height, data);
          synchronized (recent) {
            recent.addLast(e);
            while (recent.size() > REPLAY_BUFFER) {
              recent.removeFirst();
            }
          }
          for (Subscriber s : subscribers) {
            if (s.replaying) {
              s.pending.add(e);
            } else {
              deliver(s, e);
            }
          }
        });
  }
}
