package io.cvmavs.operator.monitoring;

import io.cvmavs.common.net.HostPort;
import io.cvmavs.operator.config.ConfigException;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.net.SocketException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node API and the metrics endpoint of one program, each on its own address (an empty address:
 * that server is off). Addresses come from {@code node_api_address} / {@code metrics_address},
 * loopback by default; a non-loopback address is served as configured, with a warning.
 */
public final class Monitoring implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);

  private final NodeApiServer nodeApi;
  private final MetricsServer metricsServer;
  private final Optional<Integer> nodeApiPort;
  private final Optional<Integer> metricsPort;

  private Monitoring(
      NodeApiServer nodeApi,
      MetricsServer metricsServer,
      Optional<Integer> nodeApiPort,
      Optional<Integer> metricsPort) {
    this.nodeApi = nodeApi;
    this.metricsServer = metricsServer;
    this.nodeApiPort = nodeApiPort;
    this.metricsPort = metricsPort;
  }

  /** Starts the configured servers on {@code vertx} and waits until they listen. */
  public static Monitoring start(
      Vertx vertx,
      String nodeName,
      Optional<HostPort> nodeApiAddress,
      Optional<HostPort> metricsAddress,
      CvmAvsMetrics metrics,
      ServiceRegistry services) {
    NodeApiServer api = new NodeApiServer(vertx, nodeName, NodeApiServer.buildVersion(), services);
    MetricsServer prom = new MetricsServer(vertx, metrics);
    Optional<Integer> apiPort =
        nodeApiAddress.map(
            a ->
                listening(
                    "node_api_address", a.toString(), () -> api.listen(warnIfOpen(a)).await()));
    Optional<Integer> metricsPort;
    try {
      metricsPort =
          metricsAddress.map(
              a ->
                  listening(
                      "metrics_address", a.toString(), () -> prom.listen(warnIfOpen(a)).await()));
    } catch (RuntimeException e) {
      api.close().await();
      throw e;
    }
    return new Monitoring(api, prom, apiPort, metricsPort);
  }

  /** The node API's bound port, if it runs. */
  public Optional<Integer> nodeApiPort() {
    return nodeApiPort;
  }

  /** The metrics endpoint's bound port, if it runs. */
  public Optional<Integer> metricsPort() {
    return metricsPort;
  }

  @Override
  public void close() {
    nodeApi.close().await();
    metricsServer.close().await();
  }

  /**
   * Runs {@code listen}; a failure to bind (port taken, address not on this machine, no permission)
   * becomes a {@link ConfigException} naming the configuration field and the address, so the
   * operator knows which line of operator.yaml to change.
   */
  public static <T> T listening(String field, String address, Supplier<T> listen) {
    try {
      return listen.get();
    } catch (Exception e) { // Vert.x's await() rethrows the bind failure as thrown, checked or not
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SocketException) {
          throw new ConfigException(
              field
                  + ": cannot listen on "
                  + address
                  + ": "
                  + t.getMessage()
                  + (t instanceof BindException && String.valueOf(t.getMessage()).contains("in use")
                      ? " (another program holds the port; choose a free one for " + field + ")"
                      : ""),
              e);
        }
      }
      throw e;
    }
  }

  private static HostPort warnIfOpen(HostPort a) {
    if (!a.isLoopback()) {
      LOG.warn("{} is not a loopback address: other machines can reach it", a);
    }
    return a;
  }
}
