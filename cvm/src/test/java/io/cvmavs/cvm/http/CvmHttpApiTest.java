package io.cvmavs.cvm.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.cvm.block.CvmBlockBuilder;
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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
  @TempDir Path dir;
  Vertx vertx;
  CvmBlockStore blocks;
  String base;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    SegmentStore data = new SegmentStore(dir.resolve("data"));
    var logs = io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess.logs();
    for (long a = 0; a < 40; a += 10) {
      Map<ChainTable, List<Object[]>> rows = new EnumMap<>(ChainTable.class);
      rows.put(
          ChainTable.TRANSACTION_LOGS, logs.rows("eth", ChainTable.TRANSACTION_LOGS, a, a + 9));
      data.write("eth", a, a + 9, "0x" + a, "0x" + (a + 10), rows);
    }
    blocks = CvmBlockStore.open(dir.resolve("blocks"));
    CvmHttpApi api =
        new CvmHttpApi(
            blocks,
            new ManuscriptRunner(FlinkRuntime.embedded(), data),
            data::commitment,
            new CvmBlockBuilder(Clock.systemUTC()),
            "127.0.0.1",
            0);
    vertx = Vertx.vertx();
    vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + api.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    blocks.close();
  }

  record Reply(int status, JsonNode body) {}

  Reply send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    b =
        body == null
            ? b.method(method, HttpRequest.BodyPublishers.noBody())
            : b.method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
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
}
