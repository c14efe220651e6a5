package io.cvmavs.operator.monitor;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The operators a monitor reports on ({@code operators:} in monitor.yaml): operator addresses
 * and/or operatorIds, lower-case 0x hex. Empty sets mean every operator. An alert that names no
 * operator (a challenge, a veto, a fulfilled request: AVS-wide) always passes; one that names an
 * operator passes if its address or its operatorId is listed, either directly or through the
 * registry's address ↔ operatorId mapping (so an address in the filter also admits the {@code
 * LivenessThresholdReached} events that carry only the operatorId).
 */
public record OperatorFilter(Set<String> addresses, Set<String> operatorIds) {
  public static final OperatorFilter ALL = new OperatorFilter(Set.of(), Set.of());

  public OperatorFilter {
    addresses = lower(addresses);
    operatorIds = lower(operatorIds);
  }

  public boolean isAll() {
    return addresses.isEmpty() && operatorIds.isEmpty();
  }

  /**
   * True if the operator known by {@code address} and/or {@code operatorId} (either may be null) is
   * watched, without any lookup.
   */
  public boolean admitsDirectly(String address, String operatorId) {
    if (isAll() || (address == null && operatorId == null)) {
      return true;
    }
    return (address != null && addresses.contains(address.toLowerCase(Locale.ROOT)))
        || (operatorId != null && operatorIds.contains(operatorId.toLowerCase(Locale.ROOT)));
  }

  /**
   * As {@link #admitsDirectly}, completing the missing half through {@code addressById} (operatorId
   * → address, lower case; registered operators).
   */
  public boolean admits(String address, String operatorId, Map<String, String> addressById) {
    if (admitsDirectly(address, operatorId)) {
      return true;
    }
    String a = address == null ? null : address.toLowerCase(Locale.ROOT);
    String id = operatorId == null ? null : operatorId.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> e : addressById.entrySet()) {
      String eid = e.getKey().toLowerCase(Locale.ROOT);
      String eaddr = e.getValue().toLowerCase(Locale.ROOT);
      if ((eid.equals(id) || eaddr.equals(a))
          && (addresses.contains(eaddr) || operatorIds.contains(eid))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> lower(Set<String> values) {
    Set<String> out = new HashSet<>();
    values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
    return Set.copyOf(out);
  }
}
