package io.cvmavs.operator.challenger;

import io.cvmavs.chain.avs.ManuscriptRegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.cvm.task.AttestedManuscript;
import io.cvmavs.cvm.task.CvmTaskComputer;
import io.cvmavs.cvm.task.ManuscriptFetcher;
import io.cvmavs.operator.aggregatorapi.AggregatorClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.cvmtasks.CvmBlockOptions;
import io.cvmavs.operator.cvmtasks.CvmTasks;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.operator.monitoring.CvmAvsMetrics;
import io.cvmavs.operator.monitoring.HealthChecks;
import io.cvmavs.operator.monitoring.InstrumentedHttpService;
import io.cvmavs.operator.monitoring.Monitoring;
import io.cvmavs.operator.monitoring.ServiceRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.Web3j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs challenger --config F --manuscript M}: re-executes every responded task with its
 * own CVM, challenges wrong results (landed or merely signed), submits equivocation evidence from
 * the aggregator, and follows each request to slashing. The configuration's ECDSA key pays the
 * bonds (and gets them back when a request is fulfilled); its BLS key is not used. State lives in
 * {@code <data_dir>/challenger}.
 */
@Command(
    name = "challenger",
    mixinStandardHelpOptions = true,
    description =
        "Run the challenger: re-execute responded tasks, challenge wrong results, follow them to"
            + " slashing.")
public final class ChallengerCommand extends CliCommand {
  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "operator.yaml of the challenger account (aggregator_url: where evidence is)")
  Path config;

  @Mixin CvmBlockOptions cvm;

  @Option(names = "--poll-ms", description = "Step interval (default ${DEFAULT-VALUE}).")
  long pollMillis = 2000;

  /** Challenger options that are not in operator.yaml. */
  public record Options(
      List<AttestedManuscript> manuscripts, Optional<Long> genesisBlock, long span, Duration poll) {
    public Options {
      manuscripts = List.copyOf(manuscripts);
    }
  }

  /** A running challenger; {@link #close()} stops it. */
  public record Running(
      Challenger challenger,
      ScheduledExecutorService scheduler,
      Web3j ingestWeb3j,
      CvmAvsMetrics metrics,
      Vertx vertx,
      Monitoring monitoring)
      implements AutoCloseable {
    @Override
    public void close() {
      challenger.close();
      monitoring.close();
      vertx.close().await();
      scheduler.shutdownNow();
      ingestWeb3j.shutdown();
    }
  }

  /**
   * Refuses a challenger that could re-execute nothing: no {@code --manuscript} and no {@code
   * CvmManuscriptRegistry} address in the configuration (checked before any connection).
   */
  static void requireManuscripts(OperatorConfig c, Options o) {
    if (o.manuscripts().isEmpty() && c.addresses().get("CvmManuscriptRegistry") == null) {
      throw new IllegalArgumentException(
          "no manuscript to re-execute: pass --manuscript FILE (the deployment has no"
              + " CvmManuscriptRegistry to resolve tasks' manuscripts through)");
    }
  }

  public static Running start(
      OperatorConfig c, ECKeyPair key, Options o, Consumer<Action> listener) {
    requireManuscripts(c, o);
    CvmAvsMetrics metrics = CvmAvsMetrics.prometheus(CvmAvsMetrics.AVS_NAME);
    Transactor account =
        ChainAccess.open(
            new InstrumentedHttpService(c.ethRpcUrl().toString(), metrics), key, c.chainId());
    long deploymentBlock = c.startBlock();
    Web3j ingestWeb3j = InstrumentedHttpService.web3j(c.ethRpcUrl(), metrics);
    CvmTaskComputer cvm =
        CvmTasks.computer(
            o.genesisBlock(),
            deploymentBlock,
            o.span(),
            o.manuscripts(),
            ingestWeb3j,
            c.dataDirectory().resolve("challenger-cvm"));
    String manuscriptRegistry = c.addresses().get("CvmManuscriptRegistry");
    if (manuscriptRegistry != null) {
      // Issue 14: re-executes tasks of registered manuscripts too, fetched and checked like a node.
      CvmTasks.resolvingFrom(
          cvm,
          new ManuscriptRegistryReader(account.reader(), manuscriptRegistry),
          c.manuscriptLocatorDirs(),
          new ManuscriptFetcher.Gateways(c.ipfsGateways(), c.arweaveGateways()),
          c.dataDirectory().resolve("challenger-cvm"));
    }
    ChainChallengerPorts chain =
        new ChainChallengerPorts(
            account, c.address("CvmTaskManager"), c.address("CvmRegistry"), deploymentBlock);
    AggregatorClient aggregator = AggregatorClient.of(c.aggregatorUrl());
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("challenger").daemon().factory());
    Challenger challenger =
        new Challenger(
            new Challenger.Settings(deploymentBlock, o.poll()),
            chain,
            cvm,
            aggregator::evidence,
            c.dataDirectory().resolve("challenger"),
            scheduler,
            action -> {
              if (action.status() == Action.Status.RAISED) {
                metrics.challengeRaised();
              } else if (action.status() == Action.Status.SLASHED) {
                metrics.slashObserved();
              }
              listener.accept(action);
            });
    Vertx vertx = Vertx.vertx();
    Monitoring monitoring;
    try {
      ServiceRegistry services =
          new ServiceRegistry()
              .registerEthRpc(chain::blockNumber)
              .registerKeys(
                  "Challenger key",
                  "the ECDSA key that pays challenge bonds is decrypted (" + chain.address() + ")")
              .register(
                  "aggregator",
                  "Aggregator evidence",
                  "the aggregator at aggregator_url answers JSON-RPC",
                  false,
                  HealthChecks.cached(
                      HealthChecks.jsonRpcAnswers(c.aggregatorUrl(), Duration.ofSeconds(3)),
                      Duration.ofSeconds(10),
                      System::currentTimeMillis));
      monitoring =
          Monitoring.start(vertx, c.nodeName(), c.nodeApi(), c.metrics(), metrics, services);
    } catch (RuntimeException e) {
      vertx.close().await();
      scheduler.shutdownNow();
      ingestWeb3j.shutdown();
      throw e;
    }
    challenger.start();
    return new Running(challenger, scheduler, ingestWeb3j, metrics, vertx, monitoring);
  }

  @Override
  public Integer call() throws Exception {
    OperatorConfig c = OperatorConfigLoader.load(config);
    ECKeyPair key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(c.ecdsaKeystore());
    Options o =
        new Options(
            cvm.manuscripts("eth"), cvm.genesisBlock(), cvm.span(), Duration.ofMillis(pollMillis));
    var out = spec.commandLine().getOut();
    try (Running running =
        start(
            c,
            key,
            o,
            a -> {
              out.println(
                  "[challenger] "
                      + a.kind()
                      + " task "
                      + a.taskIndex()
                      + (a.operatorId().isEmpty() ? "" : " operator " + a.operatorId())
                      + ": "
                      + a.status()
                      + (a.detail().isEmpty() ? "" : " (" + a.detail() + ")"));
              out.flush();
            })) {
      out.println("challenger running (Ctrl-C stops)");
      out.flush();
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    }
    return 0;
  }
}
