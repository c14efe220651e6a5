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
