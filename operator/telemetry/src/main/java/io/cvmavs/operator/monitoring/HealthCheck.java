package io.cvmavs.operator.monitoring;

/**
 * Tells the current state of one component. May block (an RPC round trip): the node API runs checks
 * off the event loop. A check that throws reports {@link ServiceStatus#DOWN}, with the exception's
 * message as its reason.
 */
@FunctionalInterface
public interface HealthCheck {
  ServiceStatus check() throws Exception;

  /**
   * The state and why (empty when there is nothing to say): the node API shows the reason of every
   * component that is not Up. Checks that know a reason override this; see {@link
   * HealthChecks#withReason}.
   */
  default Verdict verdict() throws Exception {
    return new Verdict(check(), "");
  }

  /** A component's state and the reason for it ({@code ""}: none given). */
  record Verdict(ServiceStatus status, String reason) {
    public Verdict {
      status = status == null ? ServiceStatus.DOWN : status;
      reason = reason == null ? "" : reason;
    }

    public static Verdict up() {
      return new Verdict(ServiceStatus.UP, "");
    }

    public static Verdict down(String reason) {
      return new Verdict(ServiceStatus.DOWN, reason);
    }
  }
}
