package io.cvmavs.operator.monitoring;

/** A component's state as the EigenLayer node API spells it ({@code Up|Down|Initializing}). */
public enum ServiceStatus {
  UP("Up"),
  DOWN("Down"),
  INITIALIZING("Initializing");

  private final String wire;

  ServiceStatus(String wire) {
    this.wire = wire;
  }

  /** The spelling of the node API spec v0.0.1. */
  public String wire() {
    return wire;
  }
}
