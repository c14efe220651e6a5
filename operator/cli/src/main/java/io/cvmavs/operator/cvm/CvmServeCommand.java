package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.http.ApiKeys;
import io.cvmavs.cvm.http.CvmHttpApi;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cvm-avs cvm serve}: the CVM interface over HTTP (see {@link CvmHttpApi}) on the local data
 * and block stores, until Ctrl-C.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the CVM interface over HTTP: register manuscripts, produce blocks over ingested ranges, read blocks,",
      "records and proofs, subscribe to new blocks (server-sent events at /events). Runs until Ctrl-C."
    })
public final class CvmServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin CvmOptions options;

  @Option(
      names = "--blocks",
      paramLabel = "DIR",
      description =
          "RocksDB directory of the block store (default: cvm-blocks/ in the data home: "
              + CvmDataHome.DESCRIPTION
              + ").")
  Path blocks;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "9020",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--api-keys-file",
      paramLabel = "FILE",
      description =
          "File with one API key per line; writes (registering manuscripts, building blocks) need one"
              + " (Authorization: Bearer KEY). Also taken from $CVM_AVS_API_KEYS (comma-separated)."
              + " Without any key the server is read-only.")
  Path apiKeysFile;

  @Option(
      names = "--allow-sink",
      paramLabel = "NAME",
      description =
          "Name of a side-effect sink (print, filesystem, postgres) that submitted manuscripts may"
              + " carry (repeatable). The server never runs such sinks; by default only dataset"
              + " sinks are accepted.")
  java.util.List<String> allowedSinks = new java.util.ArrayList<>();

  @Option(
      names = "--rate-limit",
      defaultValue = "600",
      description = "Requests per minute per client (default: ${DEFAULT-VALUE}).")
  int rateLimit;

  @Option(
      names = "--max-page-size",
      defaultValue = "1000",
      description = "Largest page of records a read returns (default: ${DEFAULT-VALUE}).")
  int maxPageSize;

  @Option(
      names = "--read-timeout",
      defaultValue = "10",
      description =
          "Seconds a read may take before it is answered 503 (default: ${DEFAULT-VALUE}).")
  int readTimeoutSeconds;

  private ApiKeys apiKeys() throws java.io.IOException {
    java.util.List<String> keys = new java.util.ArrayList<>();
    String env = System.getenv("CVM_AVS_API_KEYS");
    if (env != null) {
      keys.addAll(java.util.Arrays.asList(env.split(",")));
    }
    if (apiKeysFile != null) {
      keys.addAll(java.nio.file.Files.readAllLines(apiKeysFile));
    }
    return ApiKeys.of(keys);
  }

  @Override
  public Integer call() throws Exception {
    ApiKeys keys = apiKeys();
    SegmentStore data = options.store();
    try (CvmBlockStore store =
        CvmBlockStore.open(blocks != null ? blocks : options.inDataHome("cvm-blocks"))) {
      CvmHttpApi api =
          new CvmHttpApi(
              store,
              new ManuscriptRunner(options.runtime(), data),
              CvmHttpApi.ChainRanges.of(data),
              CvmHttpApi.Config.of(host, port, keys)
                  .withAllowedSinks(java.util.Set.copyOf(allowedSinks))
                  .withLimits(
                      rateLimit, maxPageSize, java.time.Duration.ofSeconds(readTimeoutSeconds)));
      Vertx vertx = Vertx.vertx();
      vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get();
      spec.commandLine()
          .getOut()
          .printf(
              "CVM interface on http://%s:%d (%s; Ctrl-C to stop)%n",
              host,
              api.actualPort(),
              keys.isEmpty() ? "read-only: no API keys" : "writes need an API key");
      spec.commandLine().getOut().flush();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    vertx.close().toCompletionStage().toCompletableFuture().join();
                    stopped.countDown();
                  }));
      stopped.await();
    }
    return 0;
  }
}
