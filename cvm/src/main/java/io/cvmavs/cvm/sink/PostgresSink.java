package io.cvmavs.cvm.sink;

import io.cvmavs.cvm.manuscript.Sink;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

/**
 * {@code type: postgres}: creates {@code schema.table} if missing (columns typed from the Flink
 * schema, primary key from {@code primary_key}) and upserts the rows ({@code INSERT ... ON CONFLICT
 * (key) DO UPDATE}) in canonical order, through JDBC, inside the run's {@link SinkTransaction}:
 * every postgres sink of a run on the same database shares one transaction, committed only after
 * every sink of the run was written. Re-running a manuscript over the same blocks leaves the table
 * unchanged.
 */
public final class PostgresSink {
  private static final int BATCH = 1000;

  private PostgresSink() {}

  public static String jdbcUrl(Sink sink) {
    Sink.Connection c = connection(sink);
    return "jdbc:postgresql://" + c.host() + ":" + c.port() + "/" + sink.database().orElseThrow();
  }

  /** Upserts {@code rows} in a transaction of its own; returns the number of rows written. */
  public static long write(Sink sink, SinkRows rows) {
    try (SinkTransaction tx = new SinkTransaction()) {
      long written = tx.postgres(sink, rows, sink.primaryKey());
      tx.commit();
      return written;
    }
  }

  static Properties properties(Sink.Connection c) {
    Properties props = new Properties();
    props.setProperty("user", c.username());
    props.setProperty("password", c.password());
    props.setProperty("connectTimeout", "10");
    return props;
  }

  static Sink.Connection connection(Sink sink) {
    return sink.config().orElse(new Sink.Connection("127.0.0.1", 5432, "postgres", ""));
  }

  /** Opens a connection to the sink's database (created when missing), not auto-committing. */
  static Connection open(Sink sink) {
    Sink.Connection c = connection(sink);
    Properties props = properties(c);
    createDatabaseIfMissing(sink, c, props);
    try {
      Connection conn = DriverManager.getConnection(jdbcUrl(sink), props);
      conn.setAutoCommit(false);
      return conn;
    } catch (SQLException e) {
      throw new SinkException(
          "postgres sink '"
              + sink.name()
              + "' cannot connect to "
              + jdbcUrl(sink)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Creates the table if missing and upserts {@code rows} by {@code key} on {@code conn}, without
   * committing; returns the number of rows written.
   */
  static long writeIn(Connection conn, Sink sink, SinkRows rows, List<String> key) {
    String table = quote(sink.schema().orElse("public")) + "." + quote(sink.table().orElseThrow());
    for (String k : key) {
      if (!rows.columns().contains(k)) {
        throw new SinkException(
            "postgres sink '"
                + sink.name()
                + "': primary key column '"
                + k
                + "' is not a column of '"
                + sink.from()
                + "' "
                + rows.columns());
      }
    }
    try {
      try (Statement st = conn.createStatement()) {
        st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(sink.schema().orElse("public")));
        st.execute(createTable(table, rows, key));
      }
      long written = 0;
      try (PreparedStatement ps = conn.prepareStatement(upsert(table, rows.columns(), key))) {
        int pending = 0;
        for (Object[] row : rows.canonicallySorted().rows()) {
          for (int i = 0; i < row.length; i++) {
            ps.setObject(i + 1, jdbcValue(row[i]));
          }
          ps.addBatch();
          written++;
          if (++pending == BATCH) {
            ps.executeBatch();
            pending = 0;
          }
        }
        if (pending > 0) {
          ps.executeBatch();
        }
      }
      return written;
    } catch (SQLException e) {
      SQLException next = e.getNextException();
      throw new SinkException(
          "postgres sink '"
              + sink.name()
              + "' ("
              + jdbcUrl(sink)
              + ", table "
              + table
              + ") failed: "
              + e.getMessage()
              + (next != null ? " / " + next.getMessage() : ""),
          e);
    }
  }

  /**
   * Creates the sink's database when the server does not have it (as Chainbase's sink does),
   * through the {@code postgres} maintenance database. Two runs creating it at once are fine: the
   * loser's "already exists" is ignored.
   */
  static void createDatabaseIfMissing(Sink sink, Sink.Connection c, Properties props) {
    String database = sink.database().orElseThrow();
    String admin = "jdbc:postgresql://" + c.host() + ":" + c.port() + "/postgres";
    try (Connection conn = DriverManager.getConnection(admin, props);
        PreparedStatement exists =
            conn.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database);
      if (exists.executeQuery().next()) {
        return;
      }
      try (Statement st = conn.createStatement()) {
        st.execute("CREATE DATABASE " + quote(database));
      } catch (SQLException e) {
        if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
          throw e;
        }
      }
    } catch (SQLException e) {
      throw new SinkException(
          "postgres sink '"
              + sink.name()
              + "': database '"
              + database
              + "' does not exist on "
              + c.host()
              + ":"
              + c.port()
              + " and creating it failed: "
              + e.getMessage(),
          e);
    }
  }

  static String createTable(String table, SinkRows rows, List<String> key) {
    List<String> defs = new ArrayList<>();
    for (int i = 0; i < rows.columns().size(); i++) {
      String name = rows.columns().get(i);
      defs.add(
          quote(name)
              + " "
              + sqlType(rows.types().get(i))
              + (key.contains(name) ? " NOT NULL" : ""));
    }
    defs.add(
        "PRIMARY KEY (" + String.join(", ", key.stream().map(PostgresSink::quote).toList()) + ")");
    return "CREATE TABLE IF NOT EXISTS " + table + " (" + String.join(", ", defs) + ")";
  }

  static String upsert(String table, List<String> columns, List<String> key) {
    String cols = String.join(", ", columns.stream().map(PostgresSink::quote).toList());
    String params = String.join(", ", columns.stream().map(c -> "?").toList());
    List<String> updates =
        columns.stream()
            .filter(c -> !key.contains(c))
            .map(c -> quote(c) + " = EXCLUDED." + quote(c))
            .toList();
    return "INSERT INTO "
        + table
        + " ("
        + cols
        + ") VALUES ("
        + params
        + ") ON CONFLICT ("
        + String.join(", ", key.stream().map(PostgresSink::quote).toList())
        + ") "
        + (updates.isEmpty() ? "DO NOTHING" : "DO UPDATE SET " + String.join(", ", updates));
  }

  static String sqlType(LogicalType t) {
    return switch (t.getTypeRoot()) {
      case CHAR, VARCHAR -> "TEXT";
      case BOOLEAN -> "BOOLEAN";
      case TINYINT, SMALLINT -> "SMALLINT";
      case INTEGER -> "INTEGER";
      case BIGINT -> "BIGINT";
      case DECIMAL -> {
        DecimalType d = (DecimalType) t;
        yield "NUMERIC(" + d.getPrecision() + ", " + d.getScale() + ")";
      }
      case FLOAT -> "REAL";
      case DOUBLE -> "DOUBLE PRECISION";
      case DATE -> "DATE";
      case TIMESTAMP_WITHOUT_TIME_ZONE -> "TIMESTAMP";
      case TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_WITH_TIME_ZONE -> "TIMESTAMPTZ";
      case BINARY, VARBINARY -> "BYTEA";
      default -> "TEXT";
    };
  }

  static Object jdbcValue(Object v) {
    return switch (v) {
      case null -> null;
      case LocalDateTime t -> t;
      case Instant t -> Timestamp.from(t);
      case LocalDate d -> d;
      case BigDecimal d -> d;
      case Number n -> n;
      case Boolean b -> b;
      case String s -> s;
      case byte[] b -> b;
      default -> SinkValues.text(v);
    };
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
