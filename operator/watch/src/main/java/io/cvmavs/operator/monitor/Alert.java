package io.cvmavs.operator.monitor;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One alert: a decoded chain event with the fields every receiver can rely on. {@link #id()} is the
 * idempotency key, {@code <chainId>:<txHash>:<logIndex>}: the same log always gives the same key,
 * so a receiver can drop a repeat (a crash between a webhook's 2xx and the monitor's state write is
 * the one case that repeats a delivery).
 *
 * @param operator 0x address or null; {@code operatorId} 0x bytes32 or null; {@code taskIndex} and
 *     {@code requestId} null when the event has none
 */
public record Alert(
    String id,
    AlertType type,
    String operator,
    String operatorId,
    Long taskIndex,
    BigInteger requestId,
    String txHash,
    long block,
    long logIndex,
    long blockTimestamp,
    long chainId,
    String message,
    Map<String, Object> details) {

  /** The stable JSON shape of webhooks, {@code /api/events} and the log. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("type", type.json())
        .put("severity", type.severity.json())
        .put("operator", operator)
        .put("operatorId", operatorId)
        .put("taskIndex", taskIndex)
        .put("requestId", requestId == null ? null : requestId.toString())
        .put("txHash", txHash)
        .put("block", block)
        .put("logIndex", logIndex)
        .put("timestamp", blockTimestamp)
        .put("chainId", chainId)
        .put("message", message)
        .put("details", json(details));
  }

  /**
   * The alert as one short console line (the full JSON goes only to webhooks and the alert file):
   * {@code <type> operator=0x7099…79c8 task=1 request=3 tx=0x5c3a…e1f0 block=57}; the fields an
   * event does not have are left out. The severity is the log level.
   */
  public String consoleLine() {
    StringBuilder b = new StringBuilder(type.json());
    if (operator != null) {
      b.append(" operator=").append(shortHex(operator));
    } else if (operatorId != null) {
      b.append(" operatorId=").append(shortHex(operatorId));
    }
    if (taskIndex != null) {
      b.append(" task=").append(taskIndex);
    }
    if (requestId != null) {
      b.append(" request=").append(requestId);
    }
    b.append(" tx=").append(shortHex(txHash)).append(" block=").append(block);
    return b.toString();
  }

  /** {@code 0x} + the first and last four hex digits: {@code 0x7099…79c8}. */
  static String shortHex(String hex) {
    if (hex == null) {
      return "-";
    }
    return hex.length() <= 14 ? hex : hex.substring(0, 6) + "…" + hex.substring(hex.length() - 4);
  }

  public static Alert fromJson(JsonObject o) {
    String rid = o.getString("requestId");
    return new Alert(
        o.getString("id"),
        AlertType.valueOf(o.getString("type").toUpperCase(java.util.Locale.ROOT)),
        o.getString("operator"),
        o.getString("operatorId"),
        o.getLong("taskIndex"),
        rid == null ? null : new BigInteger(rid),
        o.getString("txHash"),
        o.getLong("block"),
        o.getLong("logIndex"),
        o.getLong("timestamp", 0L),
        o.getLong("chainId"),
        o.getString("message"),
        o.getJsonObject("details", new JsonObject()).getMap());
  }

  static String describe(AlertType type, Map<String, Object> values) {
    return type.event.name()
        + " "
        + values.entrySet().stream()
            .map(e -> e.getKey() + "=" + text(e.getValue()))
            .collect(Collectors.joining(", "));
  }

  private static String text(Object v) {
    if (v instanceof List<?> l) {
      return l.stream().map(Alert::text).collect(Collectors.joining(",", "[", "]"));
    }
    return String.valueOf(v);
  }

  private static JsonObject json(Map<String, Object> values) {
    JsonObject o = new JsonObject();
    values.forEach((k, v) -> o.put(k, jsonValue(v)));
    return o;
  }

  private static Object jsonValue(Object v) {
    if (v instanceof BigInteger b) {
      return b.toString();
    }
    if (v instanceof List<?> l) {
      JsonArray a = new JsonArray();
      l.forEach(x -> a.add(jsonValue(x)));
      return a;
    }
    return v;
  }
}
