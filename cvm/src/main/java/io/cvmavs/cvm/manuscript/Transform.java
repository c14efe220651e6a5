package io.cvmavs.cvm.manuscript;

import java.util.Map;

/**
 * A transform: Flink SQL over sources and earlier transforms, registered as a view under {@code
 * name}.
 *
 * @param sql the SQL with {@code ${param}} placeholders already replaced by {@code params}
 */
public record Transform(String name, String sql, Map<String, String> params, Location location) {
  public Transform {
    params = Map.copyOf(params);
  }
}
