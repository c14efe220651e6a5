package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.sink.SinkRows;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.types.Row;

/**
 * How an embedded run returns a relation's rows: each task writes its rows as length-prefixed
 * canonical records ({@link SinkRows#encodeLenient}: nested values as text) to its own file in a
 * directory, and the runner reads the directory after the job. This replaces Flink's collect path,
 * which ships every row through the REST endpoint as base64 JSON. Only for clusters whose task
 * managers share the runner's filesystem (the embedded one).
 */
final class RecordFileSink implements Sink<Row> {
  private final String directory;

  RecordFileSink(String directory) {
    this.directory = directory;
  }

  @Override
  public SinkWriter<Row> createWriter(WriterInitContext context) throws IOException {
    Path file = Path.of(directory, "part-" + UUID.randomUUID() + ".rec");
    DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
    return new SinkWriter<>() {
      @Override
      public void write(Row row, Context ctx) throws IOException {
        Object[] values = new Object[row.getArity()];
        for (int i = 0; i < values.length; i++) {
          values[i] = row.getField(i);
        }
        byte[] record = SinkRows.encodeLenient(values);
        out.writeInt(record.length);
        out.write(record);
      }

      @Override
      public void flush(boolean endOfInput) throws IOException {
        out.flush();
      }

      @Override
      public void close() throws IOException {
        out.close();
      }
    };
  }

  /**
   * Reads back every record the tasks wrote into {@code directory} (canonical encodings, not
   * decoded), then deletes the files and the directory.
   */
  static List<byte[]> readAndDelete(Path directory) {
    List<byte[]> rows = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "part-*.rec")) {
      for (Path f : files) {
        try (InputStream raw = Files.newInputStream(f);
            DataInputStream in =
                new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
          while (true) {
            int len;
            try {
              len = in.readInt();
            } catch (EOFException eof) {
              break;
            }
            byte[] record = new byte[len];
            in.readFully(record);
            rows.add(record);
          }
        }
        Files.delete(f);
      }
      Files.delete(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the run's results from " + directory + " failed", e);
    }
    return rows;
  }
}
