package io.cvmavs.cvm.manuscript;

import java.util.List;
import java.util.Optional;

/**
 * A sink: where the rows of {@code from} (a transform or source) go.
 *
 * @param database PostgreSQL database (postgres)
 * @param schema PostgreSQL schema, default {@code public} (postgres)
 * @param table PostgreSQL table (postgres)
 * @param primaryKey upsert key (postgres, required) or ordering key (dataset, optional)
 * @param path output file (filesystem): JSON lines
 * @param fileName Chainbase's filesystem output (filesystem): a file of debezium-json rows in the
 *     run's output directory
 * @param config connection settings (postgres)
 * @param perRange postgres: the rows are per block range (e.g. aggregates over the run's range), so
 *     the table gets {@code range_from_block} and {@code range_to_block} columns, added to the
 *     primary key; without it a later range's row overwrites an earlier one with the same key
 */
public record Sink(
    String name,
    SinkType type,
    String from,
    Optional<String> database,
    Optional<String> schema,
    Optional<String> table,
    List<String> primaryKey,
    Optional<String> path,
    Optional<String> fileName,
    Optional<Connection> config,
    boolean perRange,
    Location location) {
  /** The two columns a {@code per_range} sink adds to its rows and key. */
  public static final List<String> RANGE_COLUMNS = List.of("range_from_block", "range_to_block");

  public Sink {
    primaryKey = List.copyOf(primaryKey);
  }

  /** A side-effect sink (print, filesystem, postgres): not part of what operators attest. */
  public boolean sideEffect() {
    return type != SinkType.DATASET;
  }

  /** Connection settings of a postgres sink; values may come from {@code ${env.NAME}}. */
  public record Connection(String host, int port, String username, String password) {
    @Override
    public String toString() {
      return "Connection[host=" + host + ", port=" + port + ", username=" + username + "]";
    }
  }
}
