package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.http.ApiKeys;
import io.cvmavs.cvm.http.CvmHttpApi;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.operator.command.CliCommand;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
public final class CvmServeCommand extends CliCommand {
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

  @Option(
      names = "--follow",
      description =
          "Follow the chain: ingest new blocks from --rpc as they are confirmed and build the next"
              + " block of every registered manuscript each time --span new chain blocks are"
              + " ingested (published on the event streams). A restart continues after each"
              + " manuscript's last block.")
  boolean follow;

  @Option(
      names = "--rpc",
      paramLabel = "URL",
      description = "JSON-RPC endpoint the follow mode ingests from (required with --follow).")
  String rpc;

  @Option(
      names = "--chain",
      defaultValue = "eth",
      description =
          "Chain the follow mode ingests; manuscripts reading only <chain>.* are built"
              + " (default: ${DEFAULT-VALUE}).")
  String chain;

  @Option(
      names = "--from",
      paramLabel = "BLOCK",
      description =
          "Follow mode: first chain block ingested, and the first block of a manuscript's first"
              + " CVM block (required with --follow).")
  Long from;

  @Option(
      names = "--span",
      defaultValue = "10",
      description = "Follow mode: chain blocks per CVM block (default: ${DEFAULT-VALUE}).")
  long span;

  @Option(
      names = "--poll",
      defaultValue = "1000",
      paramLabel = "MS",
      description = "Follow mode: milliseconds between head checks (default: ${DEFAULT-VALUE}).")
  long pollMillis;

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
    if (follow && (rpc == null || from == null)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--follow needs --rpc URL and --from BLOCK");
    }
    if (follow && (span < 1 || from < 0 || pollMillis < 1)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--span and --poll must be positive and --from >= 0 (got --span "
              + span
              + ", --poll "
              + pollMillis
              + ", --from "
              + from
              + ")");
    }
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
      java.util.concurrent.atomic.AtomicBoolean stopping =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread follower = null;
      if (follow) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        io.cvmavs.cvm.ingest.Ingestor ingestor = options.ingestor(rpc, chain, data, err);
        follower =
            Thread.ofPlatform()
                .name("cvm-follow")
                .start(() -> followUntilStopped(ingestor, api, stopping, err));
        spec.commandLine()
            .getOut()
            .printf(
                "following %s from block %d at %s: a block every %d chain blocks%n",
                chain, from, rpc, span);
        spec.commandLine().getOut().flush();
      }
      Thread followThread = follower;
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopping.set(true);
                    if (followThread != null) { // ends after its current ingest or build
                      try {
                        followThread.join(10_000);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }
                    vertx.close().toCompletionStage().toCompletableFuture().join();
                    stopped.countDown();
                  }));
      stopped.await();
    }
    return 0;
  }

  /**
   * Ingests and builds until the server stops. An RPC outage longer than one call's retries ends a
   * {@code follow} call; the server keeps following (ingestion fetches only what is missing), after
   * the project's {@link io.cvmavs.common.retry.Backoff} (1 s doubling to a minute, with jitter),
   * and says so each time.
   */
  private void followUntilStopped(
      io.cvmavs.cvm.ingest.Ingestor ingestor,
      io.cvmavs.cvm.http.CvmHttpApi api,
      java.util.concurrent.atomic.AtomicBoolean stopping,
      java.io.PrintWriter err) {
    io.cvmavs.common.retry.Backoff backoff =
        io.cvmavs.common.retry.Backoff.of(
            java.time.Duration.ofSeconds(1), java.time.Duration.ofMinutes(1));
    io.cvmavs.common.retry.Sleeper sleeper = io.cvmavs.common.retry.Sleeper.threadSleep();
    int failures = 0;
    while (!stopping.get()) {
      try {
        ingestor.follow(
            from,
            java.time.Duration.ofMillis(pollMillis),
            stopping::get,
            sleeper,
            to -> api.buildFollowing(chain, from, span, to).forEach(h -> printBuilt(err, h)));
        failures = 0;
      } catch (RuntimeException e) {
        if (stopping.get()) {
          return;
        }
        java.time.Duration wait = backoff.delay(++failures);
        err.printf("follow: %s; following again in %d s%n", e.getMessage(), wait.toSeconds());
        err.flush();
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void printBuilt(java.io.PrintWriter err, io.cvmavs.cvm.block.CvmBlockHeader h) {
    err.printf(
        "follow: block %d of %s (%s blocks %d-%d)%n",
        h.height(),
        io.cvmavs.cvm.block.HeaderJson.hex(h.manuscriptHash()),
        chain,
        h.input().fromBlock(),
        h.input().toBlock());
    err.flush();
  }
}
