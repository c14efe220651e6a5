package io.cvmavs.operator.aggregator;

import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The prepared G2 keys ({@link G2Prepared}: the key's Miller-loop lines) of registered operators,
 * by operator address, so that a key is prepared once and not per task or per signature. An entry
 * is prepared again when the operator's registered key is not the cached one (a key change), and
 * dropped by {@link #retainOnly} once the operator is no longer registered. Thread-safe.
 */
public final class PreparedKeyCache {
  private record Entry(G2Point key, G2Prepared prepared) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong preparations = new AtomicLong();

  /** The prepared form of {@code key}, the registered G2 key of {@code operator} (an address). */
  public G2Prepared prepared(String operator, G2Point key) {
    return entries
        .compute(
            normalise(operator),
            (op, old) -> old != null && old.key().equals(key) ? old : prepare(key))
        .prepared();
  }

  /** Drops the entries of operators not in {@code registered} (deregistered operators). */
  public void retainOnly(Collection<String> registered) {
    Set<String> keep = new HashSet<>();
    for (String op : registered) {
      keep.add(normalise(op));
    }
    entries.keySet().retainAll(keep);
  }

  /** Drops one operator's entry. */
  public void invalidate(String operator) {
    entries.remove(normalise(operator));
  }

  /** Operators with a cached key. */
  public int size() {
    return entries.size();
  }

  /** How many keys were prepared since this cache was made (misses). */
  public long preparations() {
    return preparations.get();
  }

  private Entry prepare(G2Point key) {
    preparations.incrementAndGet();
    return new Entry(key, G2Prepared.of(key));
  }

  private static String normalise(String operator) {
    return operator.toLowerCase(Locale.ROOT);
  }
}
