package io.cvmavs.cvm.manuscript;

import java.util.Optional;

/**
 * A manuscript source: a chain dataset ({@code chain.table}) registered under {@code name},
 * optionally filtered by a SQL WHERE fragment, optionally windowed.
 *
 * @param parallelism the source's own read parallelism (Chainbase's per-source {@code
 *     parallelism}), capped at the job's
 */
public record Source(
    String name,
    SourceType type,
    String chain,
    String table,
    Optional<String> filter,
    Optional<Window> window,
    Optional<Integer> parallelism,
    Location location) {

  /** {@code chain.table}. */
  public String dataset() {
    return chain + "." + table;
  }
}
