package io.cvmavs.cvm.manuscript;

import java.util.Optional;

/**
 * A manuscript source: a chain dataset ({@code chain.table}) registered under {@code name},
 * optionally filtered by a SQL WHERE fragment, optionally windowed.
 */
public record Source(
    String name,
    SourceType type,
    String chain,
    String table,
    Optional<String> filter,
    Optional<Window> window,
    Location location) {

  /** {@code chain.table}. */
  public String dataset() {
    return chain + "." + table;
  }
}
