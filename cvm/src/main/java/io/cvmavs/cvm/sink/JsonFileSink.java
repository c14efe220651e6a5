package io.cvmavs.cvm.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;

/**
 * {@code type: filesystem}: the rows as JSON lines (one object per row, keys in column order) in
 * canonical order, written to a temporary file and moved over {@code path} atomically. Integers are
 * JSON numbers, decimals JSON numbers with their exact digits, timestamps ISO-8601 strings, bytes
 * {@code 0x} hex.
 */
public final class JsonFileSink {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFileSink() {}

  public static void write(String sinkName, SinkRows rows, Path path) {
    write(sinkName, rows, path, false);
  }

  /**
   * Chainbase's filesystem sink format: one debezium-json change event per row, {@code
   * {"before":null,"after":{row},"op":"c"}}.
   */
  public static void writeDebezium(String sinkName, SinkRows rows, Path path) {
    write(sinkName, rows, path, true);
  }

  private static void write(String sinkName, SinkRows rows, Path path, boolean debezium) {
    Path target = path.toAbsolutePath();
    Path tmp = stage(sinkName, rows, target, debezium);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new SinkException(
          "filesystem sink '" + sinkName + "' cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the rows to a synced temporary file next to {@code target} and returns it; the caller
   * moves it over the target (or deletes it when the run fails).
   */
  static Path stage(String sinkName, SinkRows rows, Path target, boolean debezium) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (Object[] row : rows.canonicallySorted().rows()) {
          ObjectNode o = JSON.createObjectNode();
          for (int i = 0; i < row.length; i++) {
            String c = rows.columns().get(i);
            switch (row[i]) {
              case null -> o.putNull(c);
              case Long l -> o.put(c, l);
              case Integer n -> o.put(c, n);
              case Short n -> o.put(c, n);
              case Byte n -> o.put(c, n);
              case BigDecimal d -> o.put(c, d);
              case Double d -> o.put(c, d);
              case Float f -> o.put(c, f);
              case Boolean b -> o.put(c, b);
              case byte[] b -> o.put(c, "0x" + HexFormat.of().formatHex(b));
              default -> o.put(c, SinkValues.text(row[i]));
            }
          }
          if (debezium) {
            ObjectNode event = JSON.createObjectNode();
            event.putNull("before");
            event.set("after", o);
            event.put("op", "c");
            o = event;
          }
          w.write(JSON.writeValueAsString(o));
          w.write('\n');
        }
      }
      try (java.nio.channels.FileChannel ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return tmp;
    } catch (IOException e) {
      throw new SinkException(
          "filesystem sink '" + sinkName + "' cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
