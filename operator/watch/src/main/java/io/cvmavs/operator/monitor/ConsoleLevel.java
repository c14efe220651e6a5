package io.cvmavs.operator.monitor;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.event.Level;

/**
 * The log level of an alert's console line: its type's severity (critical → ERROR, warning → WARN,
 * info → INFO), except that a critical alert about an operator whose slashing is expected — the
 * devnet's operators made faulty on purpose, marked with {@link #expect} — is logged at WARN.
 * Webhooks, the alert file and the dashboard get every alert unchanged; nothing is marked outside
 * the devnet, so a real operator's slashing stays at ERROR.
 */
final class ConsoleLevel {
  private final Set<String> expected = ConcurrentHashMap.newKeySet();

  /** Operators (0x address or operatorId, any case) whose slashing is expected. */
  void expect(String... operatorAddressesOrIds) {
    for (String s : operatorAddressesOrIds) {
      expected.add(s.toLowerCase(Locale.ROOT));
    }
  }

  Level of(Alert a) {
    return switch (a.type().severity) {
      case CRITICAL -> isExpected(a) ? Level.WARN : Level.ERROR;
      case WARNING -> Level.WARN;
      case INFO -> Level.INFO;
    };
  }

  private boolean isExpected(Alert a) {
    return matches(a.operator()) || matches(a.operatorId());
  }

  private boolean matches(String addressOrId) {
    return addressOrId != null && expected.contains(addressOrId.toLowerCase(Locale.ROOT));
  }
}
