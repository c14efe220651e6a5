package io.cvmavs.operator.monitor;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.event.Level;

/**
 * The log level of an alert's console line: its type's severity (critical → ERROR, warning → WARN,
 * info → INFO), except that a critical alert about an operator whose slashing is expected — the
 * devnet's operators made faulty on purpose, marked with {@link #expect} — is logged at WARN, and
 * so is an alert that names no operator but a slashing request ({@code slashing_request_fulfilled})
 * when every alert that named an operator under that request named an expected one. Alerts are
 * given in chain order, so a request's challenge and slashes come before its fulfilment. Webhooks,
 * the alert file and the dashboard get every alert unchanged; nothing is marked outside the devnet,
 * so a real operator's slashing stays at ERROR.
 */
final class ConsoleLevel {
  private final Set<String> expected = ConcurrentHashMap.newKeySet();
  private final Set<BigInteger> expectedRequests = ConcurrentHashMap.newKeySet();
  private final Set<BigInteger> otherRequests = ConcurrentHashMap.newKeySet();

  /** Operators (0x address or operatorId, any case) whose slashing is expected. */
  void expect(String... operatorAddressesOrIds) {
    for (String s : operatorAddressesOrIds) {
      expected.add(s.toLowerCase(Locale.ROOT));
    }
  }

  Level of(Alert a) {
    boolean namesOperator = a.operator() != null || a.operatorId() != null;
    if (a.requestId() != null && namesOperator) {
      (isExpected(a) ? expectedRequests : otherRequests).add(a.requestId());
    }
    return switch (a.type().severity) {
      case CRITICAL ->
          isExpected(a) || (!namesOperator && expectedRequest(a)) ? Level.WARN : Level.ERROR;
      case WARNING -> Level.WARN;
      case INFO -> Level.INFO;
    };
  }

  private boolean isExpected(Alert a) {
    return matches(a.operator()) || matches(a.operatorId());
  }

  private boolean expectedRequest(Alert a) {
    return a.requestId() != null
        && expectedRequests.contains(a.requestId())
        && !otherRequests.contains(a.requestId());
  }

  private boolean matches(String addressOrId) {
    return addressOrId != null && expected.contains(addressOrId.toLowerCase(Locale.ROOT));
  }
}
