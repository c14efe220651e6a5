package io.cvmavs.operator.cvm;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.common.retry.Sleeper;
import io.cvmavs.cvm.engine.FlinkRuntime;
import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options shared by the CVM commands: where data is stored, where it comes from, where jobs run.
 */
final class CvmOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Directory of ingested chain data (default: cvm/ in the data home: "
              + CvmDataHome.DESCRIPTION
              + ").")
  Path data;

  @Option(
      names = "--confirmations",
      defaultValue = "0",
      description = "Blocks below the head that count as final (default: ${DEFAULT-VALUE}).")
  int confirmations;

  @Option(
      names = "--segment-blocks",
      defaultValue = "100",
      description = "Blocks per stored segment (default: ${DEFAULT-VALUE}).")
  int segmentBlocks;

  @Option(
      names = "--traces",
      description =
          "Also ingest <chain>.contracts, <chain>.trace_calls and <chain>.token_metas (needs"
              + " debug_traceBlockByNumber or trace_block on the node).")
  boolean traces;

  @Option(
      names = "--flink",
      paramLabel = "HOST:PORT",
      description = "REST endpoint of a remote Flink 2.1 cluster (default: an embedded cluster).")
  String flink;

  @Option(
      names = "--flink-jar",
      paramLabel = "JAR",
      description =
          "Jar the remote cluster loads the UDFs from (default: the running cvm-avs jar).")
  Path flinkJar;

  /** {@code --data}, or {@code cvm/} in the {@link CvmDataHome data home}. */
  Path data() {
    return data != null ? data : CvmDataHome.of(command).resolve("cvm");
  }

  /** A folder of the data home, for the commands' other stores. */
  Path inDataHome(String name) {
    return CvmDataHome.of(command).resolve(name);
  }

  SegmentStore store() {
    return new SegmentStore(data());
  }

  Ingestor ingestor(String rpc, String chain, SegmentStore store, PrintWriter progress) {
    Retry retry =
        new Retry(
            6,
            java.time.Duration.ofMillis(200),
            java.time.Duration.ofSeconds(5),
            Sleeper.threadSleep(),
            msg -> {
              progress.println(msg);
              progress.flush();
            });
    Ingestor ingestor =
        new Ingestor(
            // blocks and receipts over chain-io's keyless connection (it checks the endpoint
            // answers eth_chainId first); traces need the cvm's own JSON-RPC client (cvm does not
            // depend on chain-io)
            traces
                ? new Web3jChainSource(rpc, retry)
                : new Web3jChainSource(
                    ChainAccess.read(URI.create(rpc), Optional.empty()).web3j(), retry),
            store,
            chain,
            segmentBlocks,
            confirmations,
            4,
            line -> {
              progress.println(line);
              progress.flush();
            },
            System::nanoTime);
    return traces ? ingestor.withTraces() : ingestor;
  }

  FlinkRuntime runtime() {
    if (flink == null) {
      return FlinkRuntime.embedded();
    }
    HostPort cluster;
    try {
      cluster = HostPort.parse(flink, 1, "HOST:PORT");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--flink: " + e.getMessage(), e);
    }
    String jar =
        flinkJar != null
            ? flinkJar.toAbsolutePath().toString()
            : Path.of(
                    CvmOptions.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .toString();
    return FlinkRuntime.remote(cluster.host(), cluster.port(), List.of(jar));
  }
}
