package io.cvmavs.operator.monitoring;

/**
 * Tells the current state of one component. May block (an RPC round trip): the node API runs checks
 * off the event loop. A check that throws reports {@link ServiceStatus#DOWN}.
 */
@FunctionalInterface
public interface HealthCheck {
  ServiceStatus check() throws Exception;
}
