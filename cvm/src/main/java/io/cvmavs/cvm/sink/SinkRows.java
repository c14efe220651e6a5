package io.cvmavs.cvm.sink;

import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.CanonicalOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * The rows a sink receives: column names and Flink SQL types in schema order, and the rows (values
 * in column order, as Flink's external Java types: Long, Integer, String, BigDecimal,
 * LocalDateTime, ...). {@link #canonicallySorted()} puts them in the canonical order of the full
 * record, so every sink writes in an order that does not depend on the engine.
 */
public record SinkRows(List<String> columns, List<LogicalType> types, List<Object[]> rows) {
  public SinkRows {
    columns = List.copyOf(columns);
    types = List.copyOf(types);
    rows = List.copyOf(rows);
  }

  /**
   * These rows with the run's block range appended as two BIGINT columns ({@link
   * io.cvmavs.cvm.manuscript.Sink#RANGE_COLUMNS}), for a {@code per_range} sink.
   */
  public SinkRows withRange(long fromBlock, long toBlock) {
    List<String> cols = new ArrayList<>(columns);
    cols.addAll(io.cvmavs.cvm.manuscript.Sink.RANGE_COLUMNS);
    List<LogicalType> ts = new ArrayList<>(types);
    ts.add(new org.apache.flink.table.types.logical.BigIntType(false));
    ts.add(new org.apache.flink.table.types.logical.BigIntType(false));
    List<Object[]> out = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      Object[] wide = java.util.Arrays.copyOf(r, r.length + 2);
      wide[r.length] = fromBlock;
      wide[r.length + 1] = toBlock;
      out.add(wide);
    }
    return new SinkRows(cols, ts, out);
  }

  public SinkRows canonicallySorted() {
    record Keyed(byte[] key, Object[] row) {}
    List<Keyed> keyed = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      keyed.add(new Keyed(encodeLenient(r), r));
    }
    keyed.sort((a, b) -> CanonicalOrder.BYTES.compare(a.key(), b.key()));
    return new SinkRows(columns, types, keyed.stream().map(Keyed::row).toList());
  }

  /**
   * Canonical encoding where possible; nested values (allowed in non-attested sinks) by their text.
   */
  public static byte[] encodeLenient(Object[] row) {
    Object[] copy = row.clone();
    for (int i = 0; i < copy.length; i++) {
      Object v = copy[i];
      if (v != null
          && !(v instanceof Number
              || v instanceof String
              || v instanceof Boolean
              || v instanceof byte[]
              || v instanceof java.time.temporal.Temporal)) {
        copy[i] = SinkValues.text(v);
      }
    }
    return CanonicalEncoding.encode(copy);
  }
}
