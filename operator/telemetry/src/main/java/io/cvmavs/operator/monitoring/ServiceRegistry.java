package io.cvmavs.operator.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The components a program reports on its node API, each with a {@link HealthCheck}. Thread-safe;
 * components are listed in registration order. Checks run on every query: wrap slow ones in {@link
 * HealthChecks#cached}.
 */
public final class ServiceRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRegistry.class);

  /**
   * One component. {@code id} is the path segment of {@code /eigen/node/services/{id}/health};
   * {@code critical}: the whole node is unhealthy while it is Down.
   */
  public record Service(
      String id, String name, String description, boolean critical, HealthCheck check) {
    public Service {
      if (!id.matches("[a-z0-9][a-z0-9_-]*")) {
        throw new IllegalArgumentException("service id must be [a-z0-9_-]+, got '" + id + "'");
      }
    }
  }

  /** A component, the state its check returned and why ({@code ""}: no reason given). */
  public record ServiceState(Service service, ServiceStatus status, String reason) {
    public ServiceState(Service service, ServiceStatus status) {
      this(service, status, "");
    }
  }

  private final List<Service> services = new CopyOnWriteArrayList<>();
  private final Map<String, Service> byId = new ConcurrentHashMap<>();

  /** Adds a component; ids are unique. Returns this registry for chaining. */
  public ServiceRegistry register(
      String id, String name, String description, boolean critical, HealthCheck check) {
    Service s = new Service(id, name, description, critical, check);
    if (byId.putIfAbsent(id, s) != null) {
      throw new IllegalArgumentException("service '" + id + "' is already registered");
    }
    services.add(s);
    return this;
  }

  /**
   * The critical {@code rpc} component every process has: up while {@code blockNumber} answers
   * ({@code eth_blockNumber} on eth_rpc_url), checked at most every 5 s.
   */
  public ServiceRegistry registerEthRpc(LongSupplier blockNumber) {
    return register(
        "rpc",
        "Ethereum RPC",
        "eth_blockNumber answers on eth_rpc_url",
        true,
        HealthChecks.cached(
            HealthChecks.answers(blockNumber), Duration.ofSeconds(5), System::currentTimeMillis));
  }

  /** The {@code keys} component: a key decrypted before the process started (always up). */
  public ServiceRegistry registerKeys(String name, String description) {
    return register("keys", name, description, false, HealthChecks.constant(ServiceStatus.UP));
  }

  /** Runs every check (may block). */
  public List<ServiceState> snapshot() {
    List<ServiceState> out = new ArrayList<>(services.size());
    for (Service s : services) {
      out.add(run(s));
    }
    return out;
  }

  /** Runs one component's check; empty for an unknown id. */
  public Optional<ServiceState> state(String id) {
    return Optional.ofNullable(byId.get(id)).map(ServiceRegistry::run);
  }

  /** The overall health by {@link NodeHealth#of}. */
  public NodeHealth health() {
    return NodeHealth.of(snapshot());
  }

  private static ServiceState run(Service s) {
    HealthCheck.Verdict v = HealthChecks.verdictOf(s.check());
    if (v.status() != ServiceStatus.UP) {
      LOG.debug("health check {}: {} ({})", s.id(), v.status().wire(), v.reason());
    }
    return new ServiceState(s, v.status(), v.reason());
  }
}
