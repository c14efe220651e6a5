package io.cvmavs.cvm.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.cvm.bench.CvmBenchmarks;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.ManuscriptRunnerTestAccess;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code cvm/bench.sh records [BLOCKS]}: walks every page (100 records) of a dataset across BLOCKS
 * stored blocks of 100 records each through {@code GET /manuscripts/{hash}/datasets/{name}/records}
 * on a loopback server, in the natural order (cursor pages) and one ordered page.
 */
public final class RecordPagesBench {
  private RecordPagesBench() {}

  public static void run(int blocks) throws Exception {
    Path dir = Files.createTempDirectory("cvm-records-bench");
    Vertx vertx = Vertx.vertx();
    try (CvmBlockStore store = CvmBlockStore.open(dir.resolve("blocks"))) {
      byte[] m =
          store.putManuscript(ManuscriptRunnerTestAccess.DECODE.getBytes(StandardCharsets.UTF_8));
      List<Object[]> rows = CvmBenchmarks.transferRows(blocks * 100, 7);
      CvmBlockBuilder builder = new CvmBlockBuilder();
      Optional<io.cvmavs.cvm.block.CvmBlockHeader> head = Optional.empty();
      for (int b = 0; b < blocks; b++) {
        CanonicalDataset ds =
            CanonicalDataset.of(
                List.of(
                    "transaction_hash",
                    "log_index",
                    "block_number",
                    "from_address",
                    "to_address",
                    "amount"),
                List.of("transaction_hash", "log_index"),
                rows.subList(b * 100, (b + 1) * 100));
        CvmBlock block =
            builder.build(
                head, m, SourceCommitment.of("eth", b, b, Map.of()), Map.of("attested", ds), b);
        store.append(block);
        head = Optional.of(block.header());
      }
      CvmHttpApi api =
          new CvmHttpApi(
              store,
              new ManuscriptRunner(FlinkRuntime.embedded(), new SegmentStore(dir.resolve("data"))),
              CvmHttpApi.ChainRanges.of(new SegmentStore(dir.resolve("data"))),
              CvmHttpApi.Config.of("127.0.0.1", 0, ApiKeys.of(List.of()))
                  .withLimits(1_000_000, 1000, java.time.Duration.ofSeconds(60)));
      vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      String records =
          "http://127.0.0.1:"
              + api.actualPort()
              + "/manuscripts/"
              + io.cvmavs.cvm.block.HeaderJson.hex(m)
              + "/datasets/attested/records?limit=100";
      HttpClient http = HttpClient.newHttpClient();
      ObjectMapper json = new ObjectMapper();
      int total = blocks * 100;
      CvmBenchmarks.measure(
          "records across " + blocks + " blocks, every page of 100",
          1,
          3,
          total,
          "records",
          () -> {
            String cursor = "";
            int seen = 0;
            while (cursor != null) {
              JsonNode page =
                  json.readTree(
                      http.send(
                              HttpRequest.newBuilder(URI.create(records + cursor)).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body());
              seen += page.path("records").size();
              cursor = page.path("next").isNull() ? null : "&cursor=" + page.path("next").asText();
            }
            if (seen != total) {
              throw new IllegalStateException("walked " + seen + " records, expected " + total);
            }
          });
      CvmBenchmarks.measure(
          "records across " + blocks + " blocks, first page by -amount",
          1,
          3,
          100,
          "records",
          () ->
              http.send(
                  HttpRequest.newBuilder(URI.create(records + "&order=-amount")).build(),
                  HttpResponse.BodyHandlers.ofString()));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }
}
