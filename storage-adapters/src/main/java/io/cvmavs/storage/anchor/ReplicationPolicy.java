package io.cvmavs.storage.anchor;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which backends must hold a group before its receipt is anchored on chain. The other configured
 * backends keep being tried (the outbox retries them), but the anchor does not wait for them and
 * names only the backends that held the group when it was sent.
 */
public record ReplicationPolicy(Set<String> required) {
  public ReplicationPolicy {
    if (required.isEmpty()) {
      throw new IllegalArgumentException(
          "the replication policy must require at least one backend");
    }
    required = Set.copyOf(new TreeSet<>(required));
  }

  /** Every configured backend is required. */
  public static ReplicationPolicy all(Collection<String> backends) {
    return new ReplicationPolicy(Set.copyOf(backends));
  }

  /** Refuses a policy that names a backend that is not configured. */
  public void check(Collection<String> configured) {
    for (String r : new TreeSet<>(required)) {
      if (!configured.contains(r)) {
        throw new IllegalArgumentException(
            "replication requires backend '"
                + r
                + "', which is not configured (backends: "
                + String.join(", ", new TreeSet<>(configured))
                + ")");
      }
    }
  }

  public boolean satisfiedBy(Collection<String> holding) {
    return holding.containsAll(required);
  }

  /** The required backends still missing, sorted. */
  public List<String> missing(Collection<String> holding) {
    return new TreeSet<>(required).stream().filter(r -> !holding.contains(r)).toList();
  }
}
