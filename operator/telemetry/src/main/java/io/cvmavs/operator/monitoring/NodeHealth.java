package io.cvmavs.operator.monitoring;

import java.util.Collection;

/**
 * The node's overall health and its HTTP code on {@code GET /eigen/node/health}. The rule, a pure
 * function of the components' states ({@link #of}):
 *
 * <ol>
 *   <li>a <em>critical</em> component (the Ethereum RPC) is Down, or every component is Down →
 *       {@link #UNHEALTHY} (503);
 *   <li>every component is Up (or none is registered) → {@link #HEALTHY} (200);
 *   <li>otherwise — some component Down or Initializing, at least one not Down → {@link
 *       #PARTIALLY_HEALTHY} (206).
 * </ol>
 */
public enum NodeHealth {
  HEALTHY(200),
  PARTIALLY_HEALTHY(206),
  UNHEALTHY(503);

  private final int httpStatus;

  NodeHealth(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** Applies the rule above to a snapshot of the components. */
  public static NodeHealth of(Collection<ServiceRegistry.ServiceState> services) {
    if (services.isEmpty()) {
      return HEALTHY;
    }
    boolean allUp = true;
    boolean allDown = true;
    for (ServiceRegistry.ServiceState s : services) {
      if (s.status() == ServiceStatus.DOWN && s.service().critical()) {
        return UNHEALTHY;
      }
      allUp &= s.status() == ServiceStatus.UP;
      allDown &= s.status() == ServiceStatus.DOWN;
    }
    if (allDown) {
      return UNHEALTHY;
    }
    return allUp ? HEALTHY : PARTIALLY_HEALTHY;
  }
}
