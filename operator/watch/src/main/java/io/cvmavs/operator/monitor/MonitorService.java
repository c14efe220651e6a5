package io.cvmavs.operator.monitor;

import io.cvmavs.chain.rewards.OperatorRewards;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.operator.config.OperatorConfigLoader;
import io.cvmavs.operator.monitoring.Monitoring;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running monitor: the watch loop on its own thread and, if configured, the dashboard. Start it
 * from a {@code monitor.yaml} ({@link #start(MonitorConfig)}) or in-process next to a devnet
 * ({@link #startForDevnet}); {@link #dashboardUrl()} is the page's address. {@link #close()} stops
 * both.
 */
public final class MonitorService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorService.class);

  private final Monitor monitor;
  private final Vertx vertx;
  private final DashboardServer dashboard;
  private final Optional<URI> dashboardUrl;
  private final Thread loop;
  private volatile boolean stopped;

  private MonitorService(
      Monitor monitor,
      Vertx vertx,
      DashboardServer dashboard,
      Optional<URI> dashboardUrl,
      Duration pollInterval) {
    this.monitor = monitor;
    this.vertx = vertx;
    this.dashboard = dashboard;
    this.dashboardUrl = dashboardUrl;
    this.loop = Thread.ofVirtual().name("monitor-poll").unstarted(() -> run(pollInterval));
  }

  /** Starts the monitor of {@code config}. */
  public static MonitorService start(MonitorConfig config) {
    RpcMonitorChain chain =
        new RpcMonitorChain(
            config.ethRpcUrl(),
            config.addresses().get("CvmRegistry"),
            config.alertAddresses().taskManager(),
            config.startBlock(),
            OperatorRewards.Source.of(config.addresses(), config.startBlock()));
    config
        .chainId()
        .filter(id -> id != chain.chainId())
        .ifPresent(
            id -> {
              throw new MonitorException(
                  OperatorConfigLoader.redact(config.ethRpcUrl().toString())
                      + " serves chain "
                      + chain.chainId()
                      + ", not "
                      + id);
            });
    AttestationHealth health = new AttestationHealth(config.operators());
    Vertx vertx = Vertx.vertx();
    DashboardServer dashboard = new DashboardServer(vertx, health);
    Optional<URI> url = Optional.empty();
    if (config.dashboard().isPresent()) {
      HostPort hp = config.dashboard().get();
      int port =
          Monitoring.listening(
              "dashboard_address",
              hp.toString(),
              () -> dashboard.listen(hp.host(), hp.port()).await());
      String host = hp.host().contains(":") ? "[" + hp.host() + "]" : hp.host();
      url = Optional.of(URI.create("http://" + host + ":" + port + "/"));
    }
    Monitor monitor =
        new Monitor(
            chain,
            new Monitor.Settings(
                config.alertAddresses(),
                config.startBlock(),
                config.fromBlock(),
                config.maxBlockRange(),
                config.webhooks().stream().map(URI::toString).toList(),
                config.operators(),
                config.alertFile().map(AlertFile::new)),
            new AlertStateStore(config.dataDir().resolve("monitor").resolve("alerts.json")),
            WebhookSender.create(config.webhookPolicy()),
            health,
            dashboard::changed);
    MonitorService service =
        new MonitorService(monitor, vertx, dashboard, url, config.pollInterval());
    service.loop.start();
    return service;
  }

  /**
   * For {@code cvm-avs devnet}: watches the contracts of {@code deploymentFile} and alerts from its
   * deployment block (the devnet's whole history is its own), serves the dashboard on {@code
   * host:port} (0 = any free port), alerts to {@code webhooks} (may be empty).
   *
   * @return the running monitor; {@link #dashboardUrl()} is the page's URL
   */
  public static MonitorService startForDevnet(
      URI rpcUrl, Path deploymentFile, Path dataDir, String host, int port, List<URI> webhooks) {
    Deployments d = Deployments.read(deploymentFile);
    long deploymentBlock = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    return start(
        new MonitorConfig(
            deploymentFile,
            rpcUrl,
            Optional.of(d.chainId()),
            d.addresses(),
            deploymentBlock,
            Optional.of(deploymentBlock),
            OperatorFilter.ALL,
            Optional.empty(),
            List.copyOf(webhooks),
            WebhookSender.Policy.DEFAULT,
            Optional.of(new HostPort(host, port)),
            Duration.ofMillis(500),
            2000,
            dataDir));
  }

  public Optional<URI> dashboardUrl() {
    return dashboardUrl;
  }

  public Monitor monitor() {
    return monitor;
  }

  private void run(Duration pollInterval) {
    while (!stopped) {
      boolean more = false;
      try {
        more = monitor.pollOnce();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (stopped) {
          return; // close() interrupted a read or a write (state files are replaced atomically)
        }
        LOG.warn("monitor poll failed (retrying): {}", e.getMessage());
      }
      if (!more) {
        try {
          Thread.sleep(pollInterval);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    stopped = true;
    loop.interrupt();
    try {
      loop.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dashboard.close().await();
    vertx.close().await();
  }
}
