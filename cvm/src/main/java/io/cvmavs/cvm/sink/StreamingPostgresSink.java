package io.cvmavs.cvm.sink;

import io.cvmavs.cvm.manuscript.Location;
import io.cvmavs.cvm.manuscript.Sink;
import io.cvmavs.cvm.manuscript.SinkType;
import java.io.IOException;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;

/**
 * A {@code type: postgres} sink of a streaming manuscript ({@code cvm stream}): the same table
 * ({@link PostgresSink#createTable}, created with the database if missing) and the same upsert by
 * {@code primary_key} ({@link PostgresSink#upsert}) as a batch run, fed by Flink's changelog.
 *
 * <p>Inserts and updates are upserts by key, deletes (and the retraction of a row whose key
 * changes) delete by key. Changes are buffered per key (the last change of a key wins) and
 * committed in one transaction, in canonical order, {@code flushInterval} after the first buffered
 * change, at 1000 buffered keys, and at every checkpoint ({@link SinkWriter#flush}) — so what a
 * checkpoint covers is in the table before the checkpoint completes. Delivery is at-least-once: a
 * job restored from a checkpoint replays the rows after it, and the upserts turn the replay into
 * no-ops instead of duplicates.
 */
public final class StreamingPostgresSink implements org.apache.flink.api.connector.sink2.Sink<Row> {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUFFERED = 1000;

  /** What the writer needs of the manuscript's sink (the manuscript's types do not serialize). */
  private record Target(
      String name,
      String from,
      String database,
      String schema,
      String table,
      List<String> key,
      String host,
      int port,
      String user,
      String password,
      List<String> columns,
      List<LogicalType> types)
      implements Serializable {
    Sink sink() {
      return new Sink(
          name,
          SinkType.POSTGRES,
          from,
          Optional.of(database),
          Optional.of(schema),
          Optional.of(table),
          key,
          Optional.empty(),
          Optional.empty(),
          Optional.of(new Sink.Connection(host, port, user, password)),
          false,
          new Location("stream", 0, 0));
    }

    @Override
    public String toString() {
      return "Target[" + name + " -> " + database + "." + schema + "." + table + "]";
    }
  }

  private final Target target;
  private final long flushIntervalMillis;
  private final boolean progress;

  /**
   * @param sink the manuscript's postgres sink; its {@code primary_key} must not be empty
   * @param columns the relation's columns and types, in order
   */
  public StreamingPostgresSink(
      Sink sink,
      List<String> columns,
      List<LogicalType> types,
      long flushIntervalMillis,
      boolean progress) {
    if (sink.type() != SinkType.POSTGRES) {
      throw new IllegalArgumentException("not a postgres sink: " + sink.name());
    }
    if (sink.primaryKey().isEmpty()) {
      throw new SinkException(
          "postgres sink '"
              + sink.name()
              + "' ("
              + sink.location()
              + ") has no primary_key: a streaming sink upserts by it, so that rows replayed"
              + " after a restart replace themselves instead of being written twice");
    }
    for (String k : sink.primaryKey()) {
      if (!columns.contains(k)) {
        throw new SinkException(
            "postgres sink '"
                + sink.name()
                + "' ("
                + sink.location()
                + "): primary key column '"
                + k
                + "' is not a column of '"
                + sink.from()
                + "' "
                + columns);
      }
    }
    Sink.Connection c = PostgresSink.connection(sink);
    this.target =
        new Target(
            sink.name(),
            sink.from(),
            sink.database().orElseThrow(),
            sink.schema().orElse("public"),
            sink.table().orElseThrow(),
            List.copyOf(sink.primaryKey()),
            c.host(),
            c.port(),
            c.username(),
            c.password(),
            List.copyOf(columns),
            List.copyOf(types));
    this.flushIntervalMillis = flushIntervalMillis;
    this.progress = progress;
  }

  @Override
  public SinkWriter<Row> createWriter(WriterInitContext context) {
    return new Writer(target, flushIntervalMillis, progress, context.getProcessingTimeService());
  }

  static final class Writer implements SinkWriter<Row> {
    private final Target target;
    private final Sink sink;
    private final long flushIntervalMillis;
    private final boolean progress;
    private final ProcessingTimeService time;
    private final Connection conn;
    private final String tableName;
    private final int[] keyIndexes;

    /** Per key: the row to upsert, or null to delete. */
    private final Map<List<Object>, Object[]> buffered = new LinkedHashMap<>();

    private boolean timerSet;
    private long written;

    Writer(Target target, long flushIntervalMillis, boolean progress, ProcessingTimeService time) {
      this.target = target;
      this.sink = target.sink();
      this.flushIntervalMillis = flushIntervalMillis;
      this.progress = progress;
      this.time = time;
      this.tableName =
          PostgresSink.quote(target.schema()) + "." + PostgresSink.quote(target.table());
      this.keyIndexes = target.key().stream().mapToInt(k -> target.columns().indexOf(k)).toArray();
      this.conn = PostgresSink.open(sink);
      try (Statement st = conn.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + PostgresSink.quote(target.schema()));
        st.execute(
            PostgresSink.createTable(
                tableName,
                new SinkRows(target.columns(), target.types(), List.of()),
                target.key()));
        conn.commit();
      } catch (SQLException e) {
        throw failure(e);
      }
    }

    @Override
    public void write(Row row, Context context) throws IOException {
      Object[] values = new Object[row.getArity()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.getField(i);
      }
      List<Object> key = new ArrayList<>(keyIndexes.length);
      for (int k : keyIndexes) {
        key.add(values[k]);
      }
      RowKind kind = row.getKind();
      buffered.remove(key); // keep the buffer in arrival order of each key's last change
      buffered.put(key, kind == RowKind.INSERT || kind == RowKind.UPDATE_AFTER ? values : null);
      if (buffered.size() >= MAX_BUFFERED) {
        commit();
      } else if (!timerSet) {
        timerSet = true;
        time.registerTimer(
            time.getCurrentProcessingTime() + flushIntervalMillis,
            t -> {
              timerSet = false;
              commit();
            });
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      commit();
    }

    private void commit() {
      if (buffered.isEmpty()) {
        return;
      }
      List<Object[]> upserts = new ArrayList<>();
      List<List<Object>> deletes = new ArrayList<>();
      buffered.forEach(
          (key, row) -> {
            if (row == null) {
              deletes.add(key);
            } else {
              upserts.add(row);
            }
          });
      try {
        if (!deletes.isEmpty()) {
          String where =
              String.join(
                  " AND ", target.key().stream().map(k -> PostgresSink.quote(k) + " = ?").toList());
          try (PreparedStatement ps =
              conn.prepareStatement("DELETE FROM " + tableName + " WHERE " + where)) {
            for (List<Object> key : deletes) {
              for (int i = 0; i < key.size(); i++) {
                ps.setObject(i + 1, PostgresSink.jdbcValue(key.get(i)));
              }
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        if (!upserts.isEmpty()) {
          try (PreparedStatement ps =
              conn.prepareStatement(
                  PostgresSink.upsert(tableName, target.columns(), target.key()))) {
            for (Object[] row :
                new SinkRows(target.columns(), target.types(), upserts)
                    .canonicallySorted()
                    .rows()) {
              for (int i = 0; i < row.length; i++) {
                ps.setObject(i + 1, PostgresSink.jdbcValue(row[i]));
              }
              ps.addBatch();
            }
            ps.executeBatch();
          }
        }
        conn.commit();
      } catch (SQLException e) {
        try {
          conn.rollback();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw failure(e);
      }
      written += upserts.size();
      if (progress) {
        System.err.printf(
            "stream sink %s: %d upserted, %d deleted (%d upserts in all)%n",
            target.name(), upserts.size(), deletes.size(), written);
      }
      buffered.clear();
    }

    private SinkException failure(SQLException e) {
      SQLException next = e.getNextException();
      return new SinkException(
          "postgres sink '"
              + target.name()
              + "' ("
              + PostgresSink.jdbcUrl(sink)
              + ", table "
              + tableName
              + ") failed: "
              + e.getMessage()
              + (next != null ? " / " + next.getMessage() : ""),
          e);
    }

    @Override
    public void close() throws SQLException {
      conn.close();
    }
  }
}
