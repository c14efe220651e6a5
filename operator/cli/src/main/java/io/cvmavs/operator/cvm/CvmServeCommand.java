package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.http.CvmHttpApi;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
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

  @Override
  public Integer call() throws Exception {
    SegmentStore data = options.store();
    try (CvmBlockStore store =
        CvmBlockStore.open(blocks != null ? blocks : options.inDataHome("cvm-blocks"))) {
      CvmHttpApi api =
          new CvmHttpApi(
              store,
              new ManuscriptRunner(options.runtime(), data),
              data::commitment,
              new CvmBlockBuilder(Clock.systemUTC()),
              host,
              port);
      Vertx vertx = Vertx.vertx();
      vertx.deployVerticle(api).toCompletionStage().toCompletableFuture().get();
      spec.commandLine()
          .getOut()
          .printf("CVM interface on http://%s:%d (Ctrl-C to stop)%n", host, api.actualPort());
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
