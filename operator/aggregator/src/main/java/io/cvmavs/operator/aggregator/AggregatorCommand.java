package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.operator.aggregatorapi.RpcError;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.AccountConfigFile;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.monitoring.ChainGauges;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.monitoring.HealthChecks;
import io.cvmavs.operator.monitoring.InstrumentedHttpService;
import io.cvmavs.operator.monitoring.Monitoring;
import io.cvmavs.operator.monitoring.ServiceRegistry;
import io.cvmavs.operator.monitoring.ServiceStatus;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs aggregator --config F}: the BLS aggregator. The configuration's ECDSA key is the
 * account with the task manager's aggregator role; state lives in {@code <data_dir>/aggregator}.
 */
@Command(
    name = "aggregator",
    mixinStandardHelpOptions = true,
    description =
        "Run the BLS aggregator: JSON-RPC for operators' signatures, respondToTask on chain.")
public final class AggregatorCommand extends CliCommand {
  @Mixin AccountConfigFile config;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Default: 127.0.0.1 and the port of aggregator_url.")
  String listen;

  @Option(
      names = "--window-ms",
      description =
          "Wait this long for more signatures once the threshold is met (default ${DEFAULT-VALUE}).")
  long windowMillis = 1000;

  /** A running aggregator (HTTP server + chain submitter). */
  public record Running(
      Aggregator aggregator,
      int port,
      Vertx vertx,
      ScheduledExecutorService scheduler,
      CvmAvsMetrics metrics,
      Monitoring monitoring)
      implements AutoCloseable {
    @Override
    public void close() {
      monitoring.close();
      vertx.close().await();
      scheduler.shutdownNow();
    }
  }

  /** Starts the aggregator of configuration {@code c} with the aggregator-role key. */
  public static Running start(
      OperatorConfig c, ECKeyPair key, String host, int port, Duration window) {
    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    metrics.declareRejectionReasons(
        Arrays.stream(RpcError.values()).map(AggregatorServer::rejectionReason).toList());
    Transactor account =
        ChainAccess.open(
            new InstrumentedHttpService(c.ethRpcUrl().toString(), metrics), key, c.chainId());
    long fromBlock = c.startBlock();
    ScheduledExecutorService scheduler =
        Executors.newScheduledThreadPool(
            1, Thread.ofPlatform().name("aggregator-submit-", 0).daemon().factory());
    Aggregator aggregator =
        ChainAggregatorPorts.aggregator(
            account,
            c.address("CvmTaskManager"),
            c.address("CvmRegistry"),
            fromBlock,
            window,
            c.dataDirectory().resolve("aggregator"),
            scheduler);
    aggregator.metrics(metrics);
    aggregator.resume();
    RegistryReader registry = new RegistryReader(account, c.address("CvmRegistry"));
    TaskManagerReader tasks = new TaskManagerReader(account, c.address("CvmTaskManager"));
    // On the aggregator, eigen_registered_stakes is each quorum's total stake.
    scheduler.scheduleWithFixedDelay(
        new ChainGauges(
            new ChainGauges.Source() {
              @Override
              public int quorumCount() {
                return registry.quorumCount();
              }

              @Override
              public BigInteger stake(int quorum) {
                return registry.currentTotalStake(quorum);
              }

              @Override
              public Optional<Boolean> slashed() {
                return Optional.empty();
              }
            },
            metrics),
        0,
        60,
        TimeUnit.SECONDS);
    Vertx vertx = Vertx.vertx();
    int actual;
    Monitoring monitoring;
    try {
      actual =
          Monitoring.listening(
              "aggregator_url (or --listen)",
              host + ":" + port,
              () -> new AggregatorServer(vertx, aggregator, metrics).listen(host, port).await());
      ServiceRegistry services =
          new ServiceRegistry()
              .registerEthRpc(tasks::blockNumber)
              .registerKeys(
                  "Aggregator key",
                  "the ECDSA key of the aggregator role is decrypted (" + account.address() + ")")
              .register(
                  "json-rpc",
                  "Signature endpoint",
                  "aggregator_submitSignature is served on " + host + ":" + actual,
                  false,
                  HealthChecks.constant(ServiceStatus.UP));
      monitoring =
          Monitoring.start(vertx, c.nodeName(), c.nodeApi(), c.metrics(), metrics, services);
    } catch (RuntimeException e) {
      vertx.close().await();
      scheduler.shutdownNow();
      throw e;
    }
    return new Running(aggregator, actual, vertx, scheduler, metrics, monitoring);
  }

  @Override
  public Integer call() throws Exception {
    HostPort listenAddress = null;
    if (listen != null) {
      try {
        listenAddress = HostPort.parse(listen);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
      }
    }
    OperatorConfig c = config.load();
    ECKeyPair key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
    String host = "127.0.0.1";
    int port = c.aggregatorUrl().getPort() > 0 ? c.aggregatorUrl().getPort() : 8090;
    if (listenAddress != null) {
      host = listenAddress.host();
      port = listenAddress.port();
    }
    try (Running running = start(c, key, host, port, Duration.ofMillis(windowMillis))) {
      spec.commandLine()
          .getOut()
          .println(
              "aggregator listening on http://" + host + ":" + running.port() + "/ (Ctrl-C stops)");
      spec.commandLine().getOut().flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
