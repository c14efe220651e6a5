package io.cvmavs.cvm.sink;

import java.io.PrintStream;

/** {@code type: print}: one line per row, {@code sink> col=value, ...}, in canonical order. */
public final class PrintSink {
  private PrintSink() {}

  public static void write(String sinkName, SinkRows rows, PrintStream out) {
    for (Object[] row : rows.canonicallySorted().rows()) {
      StringBuilder sb = new StringBuilder(sinkName).append("> ");
      for (int i = 0; i < row.length; i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(rows.columns().get(i)).append('=').append(SinkValues.text(row[i]));
      }
      out.println(sb);
    }
    out.flush();
  }
}
