package io.cvmavs.cvm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.block.HeaderJson;
import io.cvmavs.cvm.block.RecordProof;
import io.cvmavs.cvm.block.RecordProofJson;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP interface on a real loopback server with a real RocksDB store, the warm embedded Flink
 * cluster and a segment store filled with generated logs.
 */
class CvmHttpApiTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "test-key-0123456789";
  CvmHttpApi api;
  @TempDir Path dir;
  Vertx vertx;
  CvmBlockStore blocks;
  String base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  SegmentStore data;
  final List<CvmBlockStore> stores = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    data = new SegmentStore(dir.resolve("data"));
    var logs = io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess.logs();
    for (long a = 0; a < 40; a += 10) {
      Map<ChainTable, List<Object[]>> rows = new EnumMap<>(ChainTable.class);
      rows.put(ChainTable.BLOCKS, logs.rows("eth", ChainTable.BLOCKS, a, a + 9));
      rows.put(
          ChainTable.TRANSACTION_LOGS, logs.rows("eth", ChainTable.TRANSACTION_LOGS, a, a + 9));
      data.write("eth", a, a + 9, "0x" + a, "0x" + (a + 10), rows);
    }
    vertx = Vertx.vertx();
    base = startServer("blocks");
    blocks = stores.get(0);
  }

  /** Starts another server on the same chain data with its own block store; returns its URL. */
  String startServer(String blockDir) throws Exception {
    return startServer(blockDir, config());
  }

  static CvmHttpApi.Config config() {
    return CvmHttpApi.Config.of("127.0.0.1", 0, ApiKeys.of(List.of(KEY, "another-key")));
  }

  String startServer(String blockDir, CvmHttpApi.Config config) throws Exception {
    return startServer(blockDir, config, System::nanoTime);
  }

  String startServer(String blockDir, CvmHttpApi.Config config, LongSupplier nanoTime)
      throws Exception {
    CvmBlockStore store = CvmBlockStore.open(dir.resolve(blockDir));
    stores.add(store);
    api =
        new CvmHttpApi(
            store,
            new ManuscriptRunner(FlinkRuntime.embedded(), data),
            CvmHttpApi.ChainRanges.of(data),
            config,
            nanoTime);
    vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return "http://127.0.0.1:" + api.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    stores.forEach(CvmBlockStore::close);
  }

  record Reply(int status, JsonNode body, String text, HttpHeaders headers) {}

  Reply send(String method, String path, String body) throws Exception {
    return send(base, method, path, body);
  }

  Reply send(String server, String method, String path, String body) throws Exception {
    return request(
        server,
        method,
        path,
        body,
        "POST".equals(method)
            ? new String[] {
              "Authorization",
              "Bearer " + KEY,
              "Content-Type",
              path.endsWith("/blocks") ? "application/json" : "application/yaml"
            }
            : new String[0]);
  }

  Reply request(String server, String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofSeconds(120));
    if (headers.length > 0) {
      b.headers(headers);
    }
    b =
        body == null
            ? b.method(method, HttpRequest.BodyPublishers.noBody())
            : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = JSON.readTree(r.body());
    } catch (java.io.IOException e) {
      json = null;
    }
    return new Reply(r.statusCode(), json, r.body(), r.headers());
  }

  @Test
  void registersRunsStoresServesAndStreamsBlocks() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/events")).build(),
            HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(events::add));

    Reply bad =
        send("POST", "/manuscripts", "name: x\nspecVersion: v1.0.0\nsources: []\nsinks: []\n");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("problems").get(0).asText())
        .isEqualTo("request body:3:10: sources: a manuscript needs at least one source");
    Reply badSql =
        send(
            "POST",
            "/manuscripts",
            "name: x\nspecVersion: v1.0.0\nsources:\n  - {name: l, type: dataset, dataset:"
                + " eth.transaction_logs}\ntransforms:\n  - {name: t, sql: SELECT nope FROM l}\n"
                + "sinks:\n  - {name: d, type: dataset, from: t}\n");
    assertThat(badSql.status()).isEqualTo(400);
    assertThat(badSql.body().path("problems").get(0).asText())
        .startsWith("request body:6:27: transforms[0].sql: transform 't' does not compile:")
        .contains("nope");

    // Only a dataset sink: this unit test touches no external service.
    String yaml = io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess.DECODE;
    Reply registered = send("POST", "/manuscripts", yaml);
    assertThat(registered.status()).as(registered.body().toString()).isEqualTo(201);
    String m = registered.body().path("manuscriptHash").asText();
    assertThat(registered.body().path("datasets").get(0).asText()).isEqualTo("attested");

    Reply b0 = send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 19}");
    assertThat(b0.status()).as(b0.body().toString()).isEqualTo(201);
    Reply b1 =
        send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 20, \"toBlock\": 39}");
    assertThat(b1.body().path("height").asLong()).isEqualTo(1);
    assertThat(b1.body().path("parentHash").asText())
        .isEqualTo(b0.body().path("blockHash").asText());
    Reply gap =
        send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 45, \"toBlock\": 50}");
    assertThat(gap.status()).isEqualTo(409);
    assertThat(gap.body().path("error").asText())
        .isEqualTo("the next block must start at block 40, not 45");

    Reply list = send("GET", "/manuscripts", null);
    assertThat(list.body().get(0).path("name").asText()).isEqualTo("decode");
    assertThat(list.body().get(0).path("height").asLong()).isEqualTo(1);
    assertThat(send("GET", "/manuscripts/" + m + "/blocks/0", null).body()).isEqualTo(b0.body());

    String hash = b1.body().path("blockHash").asText();
    Reply records =
        send("GET", "/blocks/" + hash + "/datasets/attested/records?offset=2&limit=3", null);
    long total = records.body().path("total").asLong();
    assertThat(total)
        .isEqualTo(b1.body().path("datasets").get(0).path("recordCount").asLong())
        .isPositive();
    assertThat(records.body().path("records")).hasSize(3);
    JsonNode third = records.body().path("records").get(0);
    assertThat(third.path("index").asInt()).isEqualTo(2);
    // Issue 16, why 7 (no schema/types): the columns with the SQL types the manuscript gives them.
    assertThat(records.body().path("schema").findValuesAsText("name"))
        .isEqualTo(
            List.of(
                "transaction_hash",
                "log_index",
                "block_number",
                "from_address",
                "to_address",
                "amount"))
        .isEqualTo(
            java.util.stream.StreamSupport.stream(
                    records.body().path("columns").spliterator(), false)
                .map(JsonNode::asText)
                .toList());
    assertThat(records.body().path("schema").findValuesAsText("type"))
        .containsExactly("STRING", "BIGINT", "BIGINT", "STRING", "STRING", "STRING");
    assertThat(records.body().path("schema").get(5).path("nullable").asBoolean())
        .as("JSON_VALUE may be NULL")
        .isTrue();

    Reply proof = send("GET", "/blocks/" + hash + "/datasets/attested/records/2/proof", null);
    RecordProof p = RecordProofJson.read(proof.body().toString());
    p.verify(HeaderJson.unhex(hash));
    assertThat(HeaderJson.hex(p.record())).isEqualTo(third.path("record").asText());

    String tx = third.path("values").get(0).asText();
    Reply query =
        send("GET", "/blocks/" + hash + "/datasets/attested/query?transaction_hash=" + tx, null);
    assertThat(query.body().path("matched").asInt()).isEqualTo(1);
    assertThat(send("GET", "/blocks/" + hash + "/datasets/attested/query?nope=1", null).status())
        .isEqualTo(400);
    assertThat(send("GET", "/blocks/0x" + "00".repeat(32), null).status()).isEqualTo(404);
    assertThat(send("GET", "/blocks/xyz", null).status()).isEqualTo(400);
    assertThat(send("GET", "/blocks/" + hash + "/datasets/nope/records", null).status())
        .isEqualTo(404);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.stream().filter(e -> e.equals("event: block")).count() < 2
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(events).filteredOn(e -> e.startsWith("data: ")).hasSize(2);
    assertThat(events.stream().filter(e -> e.startsWith("data: ")).toList().get(1)).contains(hash);
  }

  /**
   * Issue 16, why 5: two honest servers building the same range got different block hashes (the
   * header carried the wall clock). The timestamp is now the range's last chain block's.
   */
  @Test
  void twoServersBuildTheSameBlockHashWithTheChainTimestamp() throws Exception {
    String other = startServer("blocks-2");
    String yaml = io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess.DECODE;
    String m = send("POST", "/manuscripts", yaml).body().path("manuscriptHash").asText();
    assertThat(send(other, "POST", "/manuscripts", yaml).body().path("manuscriptHash").asText())
        .isEqualTo(m);
    Reply a = send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 19}");
    Thread.sleep(1100); // a wall-clock second later
    Reply b =
        send(other, "POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 19}");
    assertThat(a.status()).as(a.body().toString()).isEqualTo(201);
    assertThat(b.body().path("blockHash").asText()).isEqualTo(a.body().path("blockHash").asText());
    assertThat(a.body().path("timestamp").asLong()).isEqualTo(data.blockTimestamp("eth", 19));
  }

  static final String DECODE = io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess.DECODE;

  static String withFileSink(String name, Path path) {
    return DECODE
        + "  - name: "
        + name
        + "\n    type: filesystem\n    from: transfers\n    path: "
        + path
        + "\n";
  }

  /**
   * Issue 16, why 3, 4 and 6: what a client sends cannot reach the server's files, databases or
   * environment; writes need a key; every client mistake is a JSON 4xx naming the field.
   */
  @Test
  void refusesUnsafeManuscriptsUnauthenticatedWritesAndBadRequestsWithJsonErrors()
      throws Exception {
    String yaml = DECODE;
    Reply noKey = request(base, "POST", "/manuscripts", yaml, "Content-Type", "application/yaml");
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.body().path("field").asText()).isEqualTo("Authorization");
    Reply wrongKey =
        request(
            base,
            "POST",
            "/manuscripts",
            yaml,
            "Content-Type",
            "application/yaml",
            "Authorization",
            "Bearer nope");
    assertThat(wrongKey.status()).isEqualTo(401);
    assertThat(wrongKey.text()).doesNotContain(KEY);
    Reply form =
        request(
            base,
            "POST",
            "/manuscripts",
            yaml,
            "Content-Type",
            "application/x-www-form-urlencoded",
            "X-Api-Key",
            KEY);
    assertThat(form.status()).isEqualTo(415);
    assertThat(form.body().path("reason").asText())
        .contains("application/yaml", "text/yaml", "application/json");

    // ${env.HOME} is neither expanded nor echoed; a filesystem sink is not allowed by default.
    Reply env =
        send(
            "POST",
            "/manuscripts",
            yaml.replace("primary_key: transaction_hash,log_index", "primary_key: ${env.HOME}"));
    assertThat(env.status()).isEqualTo(400);
    assertThat(env.text()).contains("env").doesNotContain(System.getProperty("user.home"));
    Path outside = dir.resolve("outside/transfers.jsonl");
    Reply fileSink = send("POST", "/manuscripts", withFileSink("files", outside));
    assertThat(fileSink.status()).isEqualTo(400);
    assertThat(fileSink.body().path("error").asText()).isEqualTo("sink not allowed");
    assertThat(fileSink.body().path("field").asText()).isEqualTo("sinks[1]");

    String m = send("POST", "/manuscripts", yaml).body().path("manuscriptHash").asText();
    Reply garbage = send("POST", "/manuscripts/" + m + "/blocks", "{fromBlock: nope");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.body().path("field").asText()).isEqualTo("body");
    Reply missing =
        send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 99}");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().path("reason").asText())
        .isEqualTo("chain 'eth' blocks 40-99 are not ingested on this server");
    assertThat(missing.text()).doesNotContain(dir.toString());
    Reply b0 = send("POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 9}");
    String hash = b0.body().path("blockHash").asText();
    Reply negative = send("GET", "/blocks/" + hash + "/datasets/attested/records?offset=-5", null);
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.body().path("field").asText()).isEqualTo("offset");
    Reply tooBig = send("GET", "/blocks/" + hash + "/datasets/attested/records?limit=5000", null);
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.body().path("reason").asText()).contains("1000");
    Reply unknown = send("GET", "/nope", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(unknown.body().path("error").asText()).isEqualTo("not found");
    Reply method = send("DELETE", "/manuscripts", null);
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.body().path("error").asText()).isEqualTo("method not allowed");
  }

  /** A sink the configuration allows by name is accepted, but building a block never runs it. */
  @Test
  void anAllowedSideEffectSinkIsNeverWrittenByBlockBuilds() throws Exception {
    String allowing = startServer("blocks-allow", config().withAllowedSinks(Set.of("files")));
    Path file = dir.resolve("files/transfers.jsonl");
    Reply registered = send(allowing, "POST", "/manuscripts", withFileSink("files", file));
    assertThat(registered.status()).as(registered.text()).isEqualTo(201);
    String m = registered.body().path("manuscriptHash").asText();
    Reply block =
        send(
            allowing,
            "POST",
            "/manuscripts/" + m + "/blocks",
            "{\"fromBlock\": 0, \"toBlock\": 9}");
    assertThat(block.status()).as(block.text()).isEqualTo(201);
    assertThat(file).doesNotExist();
    assertThat(file.getParent()).doesNotExist();
  }

  /** A record scan that takes longer than the read time limit is a JSON 503, not a long wait. */
  @Test
  void aScanLongerThanTheReadTimeLimitIsAnswered503() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    // every look at the clock is 11 s later: the first deadline check of a scan is past 10 s
    String slow =
        startServer(
            "blocks-slow",
            config().withLimits(600, 1000, Duration.ofSeconds(10)),
            () -> now.addAndGet(Duration.ofSeconds(11).toNanos()));
    String m = send(slow, "POST", "/manuscripts", DECODE).body().path("manuscriptHash").asText();
    String hash =
        send(slow, "POST", "/manuscripts/" + m + "/blocks", "{\"fromBlock\": 0, \"toBlock\": 9}")
            .body()
            .path("blockHash")
            .asText();
    for (String path :
        List.of(
            "/blocks/" + hash + "/datasets/attested/records",
            "/manuscripts/" + m + "/datasets/attested/records")) {
      Reply timedOut = send(slow, "GET", path, null);
      assertThat(timedOut.status()).as(path).isEqualTo(503);
      assertThat(timedOut.body().path("error").asText()).isEqualTo("read timed out");
    }
  }

  @Test
  void limitsEachClientsRequestsPerMinute() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    String limited =
        startServer(
            "blocks-limited", config().withLimits(3, 1000, Duration.ofSeconds(10)), now::get);
    for (int i = 0; i < 3; i++) {
      assertThat(send(limited, "GET", "/manuscripts", null).status()).isEqualTo(200);
    }
    Reply refused = send(limited, "GET", "/manuscripts", null);
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("20");
    now.addAndGet(Duration.ofSeconds(20).toNanos());
    assertThat(send(limited, "GET", "/manuscripts", null).status()).isEqualTo(200);
  }

  /** Issue 16, why 7: discovery, cross-block queries, CSV, OpenAPI and replayable events. */
  @Test
  void listsBlocksServesManuscriptsQueriesAcrossBlocksAndReplaysEvents() throws Exception {
    String yaml = DECODE;
    String m = send("POST", "/manuscripts", yaml).body().path("manuscriptHash").asText();
    Reply yamlBack = send("GET", "/manuscripts/" + m, null);
    assertThat(yamlBack.headers().firstValue("Content-Type")).hasValue("application/yaml");
    assertThat(yamlBack.text()).isEqualTo(yaml);
    assertThat(send("GET", "/manuscripts/" + m + "/blocks/latest", null).status()).isEqualTo(404);
    List<JsonNode> headers = new ArrayList<>();
    for (long from = 0; from < 40; from += 10) {
      headers.add(
          send(
                  "POST",
                  "/manuscripts/" + m + "/blocks",
                  "{\"fromBlock\": " + from + ", \"toBlock\": " + (from + 9) + "}")
              .body());
    }
    assertThat(send("GET", "/manuscripts/" + m + "/blocks/latest", null).body())
        .isEqualTo(headers.get(3));
    Reply page1 = send("GET", "/manuscripts/" + m + "/blocks?limit=3", null);
    assertThat(page1.body().path("blocks").findValues("height"))
        .extracting(JsonNode::asLong)
        .containsExactly(3L, 2L, 1L);
    Reply page2 =
        send(
            "GET",
            "/manuscripts/" + m + "/blocks?limit=3&" + page1.body().path("next").asText(),
            null);
    assertThat(page2.body().path("blocks").findValues("height"))
        .extracting(JsonNode::asLong)
        .containsExactly(0L);
    assertThat(page2.body().path("next").isNull()).isTrue();

    // Every record of the four blocks, a page of 7 at a time, ordered by block_number descending.
    String records = "/manuscripts/" + m + "/datasets/attested/records";
    List<JsonNode> all = new ArrayList<>();
    String cursor = "";
    do {
      Reply page = send("GET", records + "?order=-block_number&limit=7" + cursor, null);
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      page.body().path("records").forEach(all::add);
      cursor =
          page.body().path("next").isNull() ? null : "&cursor=" + page.body().path("next").asText();
    } while (cursor != null);
    long total =
        headers.stream()
            .mapToLong(h -> h.path("datasets").get(0).path("recordCount").asLong())
            .sum();
    assertThat(all).hasSize((int) total);
    List<Long> blockNumbers = all.stream().map(r -> r.path("values").get(2).asLong()).toList();
    assertThat(blockNumbers).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(blockNumbers.get(0)).isGreaterThanOrEqualTo(30);

    // The natural order (height, then canonical order), 5 at a time: the cursor holds the position
    // of the next record, so each page starts where the last one ended; the same records, no
    // repeats, in (height, index) order.
    List<JsonNode> natural = new ArrayList<>();
    String position = "";
    String naturalCursor = null;
    do {
      Reply page = send("GET", records + "?limit=5" + position, null);
      assertThat(page.status()).as(page.text()).isEqualTo(200);
      assertThat(page.body().path("records").size()).isBetween(1, 5);
      page.body().path("records").forEach(natural::add);
      naturalCursor =
          page.body().path("next").isNull() ? naturalCursor : page.body().path("next").asText();
      position =
          page.body().path("next").isNull() ? null : "&cursor=" + page.body().path("next").asText();
    } while (position != null);
    assertThat(natural).hasSize((int) total);
    assertThat(natural.stream().map(r -> r.path("record").asText()).distinct().count())
        .isEqualTo(total);
    assertThat(
            natural.stream()
                .map(r -> r.path("height").asLong() * 1_000_000 + r.path("index").asLong())
                .toList())
        .isSorted();
    assertThat(natural.stream().map(r -> r.path("record").asText()).sorted().toList())
        .isEqualTo(all.stream().map(r -> r.path("record").asText()).sorted().toList());
    Reply mixedOrder = send("GET", records + "?order=log_index&cursor=" + naturalCursor, null);
    assertThat(mixedOrder.status()).isEqualTo(400);
    assertThat(mixedOrder.body().path("field").asText()).isEqualTo("cursor");
    assertThat(send("GET", records + "?cursor=cDE6Mzo5OTox", null).status())
        .as("a position above the pinned head")
        .isEqualTo(400);

    Reply range =
        send("GET", records + "?block_number[gte]=12&block_number[lt]=25&limit=1000", null);
    assertThat(range.body().path("records"))
        .allSatisfy(r -> assertThat(r.path("values").get(2).asLong()).isBetween(12L, 24L));
    assertThat(range.body().path("matched").asInt())
        .isEqualTo(blockNumbers.stream().filter(b -> b >= 12 && b < 25).count());

    // A checksummed (mixed-case) address finds the stored lower-case one.
    JsonNode first = all.get(0);
    String from = first.path("values").get(3).asText();
    String mixed =
        "0x" + from.substring(2, 10).toUpperCase(java.util.Locale.ROOT) + from.substring(10);
    Reply byAddress = send("GET", records + "?from_address=" + mixed, null);
    assertThat(byAddress.body().path("records").findValues("record"))
        .contains(first.path("record"));

    Reply csv = send("GET", records + "?format=csv&limit=2", null);
    assertThat(csv.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    List<String> lines = csv.text().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0))
        .isEqualTo(
            "height,index,transaction_hash,log_index,block_number,from_address,to_address,amount");

    // Parquet: the same page as JSON, read back by DuckDB (another implementation than our writer),
    // by format= and by Accept; the next page's cursor in X-Next-Page.
    JsonNode jsonPage = send("GET", records + "?limit=6&amount[gt]=0", null).body();
    HttpResponse<byte[]> parquet =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(base + records + "?limit=6&amount[gt]=0&format=parquet"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(parquet.statusCode()).isEqualTo(200);
    assertThat(parquet.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.apache.parquet");
    assertThat(parquet.headers().firstValue("X-Next-Page"))
        .hasValue(jsonPage.path("next").asText());
    HttpResponse<byte[]> byAccept =
        http.send(
            HttpRequest.newBuilder(URI.create(base + records + "?limit=6&amount[gt]=0"))
                .header("Accept", "application/vnd.apache.parquet")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(byAccept.body()).isEqualTo(parquet.body());
    Path file = dir.resolve("page.parquet");
    java.nio.file.Files.write(file, parquet.body());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = c.createStatement()) {
      List<String> schema = new ArrayList<>();
      try (java.sql.ResultSet rs =
          st.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + file + "')")) {
        while (rs.next()) {
          schema.add(rs.getString("column_name") + " " + rs.getString("column_type"));
        }
      }
      assertThat(schema)
          .containsExactly(
              "height BIGINT",
              "index BIGINT",
              "transaction_hash VARCHAR",
              "log_index BIGINT",
              "block_number BIGINT",
              "from_address VARCHAR",
              "to_address VARCHAR",
              "amount VARCHAR");
      List<List<String>> duck = new ArrayList<>();
      try (java.sql.ResultSet rs = st.executeQuery("SELECT * FROM read_parquet('" + file + "')")) {
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= 8; i++) {
            row.add(rs.getString(i));
          }
          duck.add(row);
        }
      }
      List<List<String>> expected = new ArrayList<>();
      for (JsonNode r : jsonPage.path("records")) {
        List<String> row = new ArrayList<>();
        row.add(r.path("height").asText());
        row.add(r.path("index").asText());
        r.path("values").forEach(v -> row.add(v.asText()));
        expected.add(row);
      }
      assertThat(duck).hasSize(6).isEqualTo(expected);
    }
    Reply badFormat = send("GET", records + "?format=xml", null);
    assertThat(badFormat.status()).isEqualTo(400);
    assertThat(badFormat.body().path("reason").asText()).contains("parquet");

    // SSE: a reconnect with Last-Event-ID 1 gets blocks 2 and 3 again, with their heights as ids.
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/manuscripts/" + m + "/events"))
                .header("Last-Event-ID", "1")
                .build(),
            HttpResponse.BodyHandlers.ofLines())
        .thenAccept(r -> r.body().forEach(events::add));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (events.stream().filter(e -> e.startsWith("id: ")).count() < 2
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(events).filteredOn(e -> e.startsWith("id: ")).containsExactly("id: 2", "id: 3");

    // The OpenAPI document names exactly the routes the server has.
    JsonNode openapi = send("GET", "/openapi.json", null).body();
    // ... and every field of a records answer across blocks, with the dataset's typed schema.
    JsonNode typedPage = send("GET", records + "?limit=2", null).body();
    assertThat(typedPage.path("schema").findValuesAsText("type"))
        .containsExactly("STRING", "BIGINT", "BIGINT", "STRING", "STRING", "STRING");
    JsonNode recordsDoc = openapi.path("components").path("schemas").path("Records");
    assertThat(fieldNames(recordsDoc.path("properties"))).containsAll(fieldNames(typedPage));
    assertThat(fieldNames(recordsDoc.at("/properties/records/items/properties")))
        .containsAll(fieldNames(typedPage.path("records").get(0)));
    assertThat(fieldNames(recordsDoc.at("/properties/schema/items/properties")))
        .isEqualTo(fieldNames(typedPage.path("schema").get(0)));
    java.util.Set<String> documented = new java.util.TreeSet<>();
    openapi
        .path("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method ->
                            documented.add(
                                method.toUpperCase(java.util.Locale.ROOT) + " " + p.getKey())));
    java.util.Set<String> served = new java.util.TreeSet<>();
    for (io.vertx.ext.web.Route r : api.router().getRoutes()) {
      if (r.getPath() != null && r.methods() != null) {
        r.methods()
            .forEach(
                method ->
                    served.add(method.name() + " " + r.getPath().replaceAll(":(\\w+)", "{$1}")));
      }
    }
    assertThat(documented).isEqualTo(served);
  }

  static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
