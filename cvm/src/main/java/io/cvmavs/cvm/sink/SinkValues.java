package io.cvmavs.cvm.sink;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.types.Row;

/** How sink values are rendered as text (JSON files, print). */
final class SinkValues {
  private SinkValues() {}

  static String text(Object v) {
    return switch (v) {
      case null -> "null";
      case byte[] b -> "0x" + HexFormat.of().formatHex(b);
      case BigDecimal d -> d.toPlainString();
      case Object[] arr ->
          Arrays.stream(arr).map(SinkValues::text).collect(Collectors.joining(",", "[", "]"));
      case Map<?, ?> m ->
          m.entrySet().stream()
              .map(e -> text(e.getKey()) + "=" + text(e.getValue()))
              .sorted()
              .collect(Collectors.joining(",", "{", "}"));
      case Row r -> r.toString();
      default -> v.toString();
    };
  }
}
