package io.cvmavs.cvm.sink;

import io.cvmavs.cvm.manuscript.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The side-effect sinks of one run, committed all-or-nothing: postgres sinks write into one open
 * transaction per database (sinks on the same database share it), filesystem sinks into synced
 * temporary files, print sinks into a buffer. Nothing is visible until {@link #commit()}, which
 * commits the transactions, then moves the files into place, then prints; {@link #close()} without
 * a commit rolls everything back and deletes the temporary files. So a run that fails in its last
 * sink leaves every table and file as it was.
 *
 * <p>Limit: sinks on <em>different</em> PostgreSQL databases are separate transactions committed
 * one after another once every sink was written; only a failure between those commits (the
 * connection dropping at that moment) can leave one committed and the other not.
 *
 * <p>Not thread-safe: one run uses it from one thread.
 */
public final class SinkTransaction implements AutoCloseable {
  private final Map<String, Connection> connections = new LinkedHashMap<>();
  private final List<Path[]> files = new ArrayList<>();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final PrintStream print = new PrintStream(printed, true, StandardCharsets.UTF_8);
  private boolean finished;

  /** Upserts a postgres sink's rows by {@code key} in its database's transaction. */
  public long postgres(Sink sink, SinkRows rows, List<String> key) {
    Sink.Connection c = PostgresSink.connection(sink);
    String id = PostgresSink.jdbcUrl(sink) + "|" + c.username();
    Connection conn = connections.get(id);
    if (conn == null) {
      conn = PostgresSink.open(sink);
      connections.put(id, conn);
    }
    return PostgresSink.writeIn(conn, sink, rows, key);
  }

  /** Writes a filesystem sink's rows to a temporary file moved onto {@code path} at commit. */
  public long file(String sinkName, SinkRows rows, Path path, boolean debezium) {
    Path target = path.toAbsolutePath();
    files.add(new Path[] {JsonFileSink.stage(sinkName, rows, target, debezium), target});
    return rows.rows().size();
  }

  /** Buffers a print sink's lines, printed at commit. */
  public long print(String sinkName, SinkRows rows) {
    PrintSink.write(sinkName, rows, print);
    return rows.rows().size();
  }

  /** Makes every sink's output visible: database commits, then file moves, then printed lines. */
  public void commit(PrintStream printTo) {
    finished = true;
    try {
      for (Map.Entry<String, Connection> e : connections.entrySet()) {
        try {
          e.getValue().commit();
        } catch (SQLException ex) {
          throw new SinkException(
              "committing the postgres sinks on "
                  + e.getKey().substring(0, e.getKey().indexOf('|'))
                  + " failed: "
                  + ex.getMessage(),
              ex);
        }
      }
      for (Path[] f : files) {
        try {
          Files.move(
              f[0], f[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
          throw new SinkException("cannot move the file of a filesystem sink onto " + f[1], ex);
        }
      }
      files.clear();
      printTo.print(printed.toString(StandardCharsets.UTF_8));
      printTo.flush();
    } finally {
      release();
    }
  }

  /** Commits with nothing printed (for callers without print sinks). */
  public void commit() {
    commit(new PrintStream(java.io.OutputStream.nullOutputStream()));
  }

  /** Rolls back whatever was not committed. */
  @Override
  public void close() {
    if (!finished) {
      finished = true;
      for (Connection c : connections.values()) {
        try {
          c.rollback();
        } catch (SQLException e) {
          // closing below discards the transaction as well
        }
      }
    }
    release();
  }

  private void release() {
    for (Connection c : connections.values()) {
      try {
        c.close();
      } catch (SQLException e) {
        // nothing left to undo: the transaction was committed or rolled back
      }
    }
    connections.clear();
    for (Path[] f : files) {
      try {
        Files.deleteIfExists(f[0]);
      } catch (IOException e) {
        // a leftover hidden .tmp file; the target was never touched
      }
    }
    files.clear();
  }
}
