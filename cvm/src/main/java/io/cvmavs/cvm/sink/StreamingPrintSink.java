package io.cvmavs.cvm.sink;

import java.util.List;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.types.Row;

/**
 * A {@code type: print} sink of a streaming manuscript: one line per change, {@code sink> +I
 * col=value, ...} ({@code +I} insert, {@code +U}/{@code -U} update after/before, {@code -D}
 * delete), on the task's standard output (the CLI's, on the embedded cluster).
 */
public final class StreamingPrintSink implements org.apache.flink.api.connector.sink2.Sink<Row> {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final List<String> columns;

  public StreamingPrintSink(String name, List<String> columns) {
    this.name = name;
    this.columns = List.copyOf(columns);
  }

  @Override
  public SinkWriter<Row> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(Row row, Context ctx) {
        StringBuilder sb = new StringBuilder(name).append("> ").append(row.getKind().shortString());
        for (int i = 0; i < row.getArity(); i++) {
          sb.append(i == 0 ? " " : ", ")
              .append(columns.get(i))
              .append('=')
              .append(SinkValues.text(row.getField(i)));
        }
        System.out.println(sb);
      }

      @Override
      public void flush(boolean endOfInput) {
        System.out.flush();
      }

      @Override
      public void close() {}
    };
  }
}
