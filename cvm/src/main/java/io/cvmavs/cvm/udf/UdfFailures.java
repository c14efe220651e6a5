package io.cvmavs.cvm.udf;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.functions.FunctionContext;

/**
 * Rows a UDF could not handle — an ABI that does not parse, a log or input that does not fit its
 * event or function, a node that did not answer — are NULL, as in Chainbase, never a failed job.
 * Each one is counted: in the Flink metric {@code cvm_udf_null_rows} of the function's operator
 * (REST {@code /jobs/<id>/vertices/<id>/metrics}) and in this JVM's totals per function.
 */
public final class UdfFailures implements java.io.Serializable {
  public static final String METRIC = "cvm_udf_null_rows";
  private static final Map<String, AtomicLong> TOTALS = new ConcurrentHashMap<>();

  private final String function;
  private transient Counter counter;

  UdfFailures(String function) {
    this.function = function;
  }

  void open(FunctionContext context) {
    try {
      counter = context.getMetricGroup().counter(METRIC);
    } catch (RuntimeException e) {
      counter = null; // constant folding at planning time has no metric group
    }
  }

  /** Counts one row that became NULL; returns null for the caller to return. */
  <T> T nullRow() {
    TOTALS.computeIfAbsent(function, f -> new AtomicLong()).incrementAndGet();
    if (counter != null) {
      counter.inc();
    }
    return null;
  }

  /** Rows of {@code function} (its SQL name) that became NULL in this JVM. */
  public static long total(String function) {
    AtomicLong n = TOTALS.get(function);
    return n == null ? 0 : n.get();
  }
}
