package io.cvmavs.cvm.manuscript;

import java.util.Map;

/**
 * A transform: Flink SQL over sources and earlier transforms, registered as a view under {@code
 * name}.
 *
 * @param sql the SQL with {@code ${param}} placeholders already replaced by {@code params}, a
 *     trailing {@code ;} dropped, and {@code FOR SYSTEM_TIME AS OF} on lookup sources blanked out
 *     (see the README)
 * @param sqlMap where each character of {@code sql} comes from in the file, for SQL errors
 */
public record Transform(
    String name, String sql, Map<String, String> params, Location location, SqlMap sqlMap) {
  public Transform {
    params = Map.copyOf(params);
  }

  public Transform(String name, String sql, Map<String, String> params, Location location) {
    this(name, sql, params, location, SqlMap.at(location, sql.length()));
  }
}
