package io.cvmavs.chainbasedb.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chainbasedb.format.BsonDocuments;
import io.cvmavs.chainbasedb.format.FormatException;
import io.cvmavs.chainbasedb.format.Identity;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import io.cvmavs.chainbasedb.validate.StateModel;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonBoolean;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The JSON query form over a {@link ChainbaseDb} (docs/DB3-FORMAT.md §13), shared by the CLI and
 * any HTTP front end: one JSON object in, one out. Every result list is bounded ({@code limit} /
 * {@code k} at most {@link #MAX_LIMIT}); bad queries are refused with a {@link QueryException}
 * naming the field.
 *
 * <pre>
 * {"op":"get",        "db":D, "collection":C, "id":HEX32}
 * {"op":"range",      "db":D, "collection":C, "index":I, "low":{"values":[..],"inclusive":true}?,
 *                     "high":{..}?, "limit":N?}
 * {"op":"prefix",     "db":D, "collection":C, "index":I, "values":[..], "limit":N?}
 * {"op":"knn",        "db":D, "collection":C, "index":I, "vector":[..], "k":N?, "candidates":N?}
 * {"op":"neighbours", "db":D, "collection":C, "index":I, "node":V, "direction":"out|in|both"?, "limit":N?}
 * {"op":"hops",       "db":D, "collection":C, "index":I, "node":V, "hops":N, "direction":..?, "limit":N?}
 * {"op":"path",       "db":D, "collection":C, "index":I, "from":V, "to":V, "max_hops":N?, "direction":..?}
 * </pre>
 *
 * Values: JSON strings, booleans, null, integers (as int64: int32 and int64 index alike) and
 * non-integral numbers (doubles). Documents come back as canonical Extended JSON objects.
 */
public final class Db3Query {
  public static final int MAX_LIMIT = 1000;
  public static final int DEFAULT_LIMIT = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private final ChainbaseDb db;

  public Db3Query(ChainbaseDb db) {
    this.db = db;
  }

  /** Parses and runs a query given as JSON text. */
  public ObjectNode run(String json) {
    JsonNode q;
    try {
      q = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new QueryException("query", "not JSON: " + e.getOriginalMessage());
    }
    return run(q);
  }

  public ObjectNode run(JsonNode q) {
    if (q == null || !q.isObject()) {
      throw new QueryException("query", "a query is a JSON object");
    }
    String op = text(q, "op");
    ObjectNode out = JSON.createObjectNode();
    out.put("op", op);
    switch (op) {
      case "get" -> {
        only(q, Set.of("op", "db", "collection", "id"));
        byte[] id = id(q, "id");
        Optional<StateModel.Document> d = db.document(dbId(q), text(q, "collection"), id);
        out.put("found", d.isPresent());
        d.ifPresent(doc -> out.set("document", hit(id, doc.owner(), doc.bson())));
      }
      case "range" -> {
        only(q, Set.of("op", "db", "collection", "index", "low", "high", "limit"));
        List<ChainbaseDb.Hit> hits =
            db.range(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                bound(q, "low"),
                bound(q, "high"),
                limit(q, "limit", DEFAULT_LIMIT));
        out.set("results", hits(hits));
      }
      case "prefix" -> {
        only(q, Set.of("op", "db", "collection", "index", "values", "limit"));
        List<ChainbaseDb.Hit> hits =
            db.prefix(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                values(q.get("values"), "values"),
                limit(q, "limit", DEFAULT_LIMIT));
        out.set("results", hits(hits));
      }
      case "knn" -> {
        only(q, Set.of("op", "db", "collection", "index", "vector", "k", "candidates"));
        List<ChainbaseDb.Near> near =
            db.nearest(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                vector(q),
                limit(q, "k", 10),
                limit(q, "candidates", ChainbaseDb.DEFAULT_CANDIDATES));
        ArrayNode a = out.putArray("results");
        for (ChainbaseDb.Near n : near) {
          ObjectNode h = hit(n.id(), n.owner(), n.bson());
          h.put("score", n.score());
          a.add(h);
        }
      }
      case "neighbours" -> {
        only(q, Set.of("op", "db", "collection", "index", "node", "direction", "limit"));
        ArrayNode a = out.putArray("edges");
        for (ChainbaseDb.Edge e :
            db.neighbours(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                value(q.get("node"), "node"),
                direction(q),
                limit(q, "limit", DEFAULT_LIMIT))) {
          ObjectNode o = a.addObject();
          o.set("from", json(e.from()));
          o.set("to", json(e.to()));
          o.put("id", HEX.formatHex(e.id()));
        }
      }
      case "hops" -> {
        only(q, Set.of("op", "db", "collection", "index", "node", "hops", "direction", "limit"));
        ChainbaseDb.Traversal t =
            db.traverse(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                value(q.get("node"), "node"),
                direction(q),
                integer(q, "hops", -1, ChainbaseDb.MAX_HOPS),
                limit(q, "limit", DEFAULT_LIMIT));
        ArrayNode a = out.putArray("nodes");
        for (ChainbaseDb.Reached r : t.nodes()) {
          ObjectNode o = a.addObject();
          o.set("node", json(r.node()));
          o.put("hops", r.hops());
        }
        out.put("truncated", t.truncated());
      }
      case "path" -> {
        only(q, Set.of("op", "db", "collection", "index", "from", "to", "max_hops", "direction"));
        Optional<List<BsonValue>> p =
            db.shortestPath(
                dbId(q),
                text(q, "collection"),
                text(q, "index"),
                value(q.get("from"), "from"),
                value(q.get("to"), "to"),
                direction(q),
                integer(q, "max_hops", 6, ChainbaseDb.MAX_HOPS));
        if (p.isEmpty()) {
          out.putNull("path");
        } else {
          ArrayNode a = out.putArray("path");
          p.get().forEach(v -> a.add(json(v)));
        }
      }
      default ->
          throw new QueryException(
              "op", "unknown op '" + op + "' (get, range, prefix, knn, neighbours, hops, path)");
    }
    return out;
  }

  // ------------------------------------------------------------------ fields

  private static void only(JsonNode q, Set<String> allowed) {
    for (Iterator<String> it = q.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new QueryException(f, "unknown field for op '" + q.get("op").asText() + "'");
      }
    }
  }

  private static String text(JsonNode q, String field) {
    JsonNode n = q.get(field);
    if (n == null || !n.isTextual()) {
      throw new QueryException(field, "required, a string");
    }
    return n.asText();
  }

  private static Identity dbId(JsonNode q) {
    try {
      return Identity.parse(text(q, "db"), "db");
    } catch (FormatException e) {
      throw new QueryException("db", e.getMessage());
    }
  }

  private static byte[] id(JsonNode q, String field) {
    String s = text(q, field);
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    if (!s.matches("[0-9a-fA-F]{32}")) {
      throw new QueryException(field, "a document id is 16 bytes of hex (32 digits)");
    }
    return HEX.parseHex(s.toLowerCase(java.util.Locale.ROOT));
  }

  private static int integer(JsonNode q, String field, int dflt, int max) {
    JsonNode n = q.get(field);
    if (n == null) {
      if (dflt < 0) {
        throw new QueryException(field, "required, an integer 1.." + max);
      }
      return dflt;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > max) {
      throw new QueryException(field, "an integer 1.." + max + ", got " + n);
    }
    return n.asInt();
  }

  private static int limit(JsonNode q, String field, int dflt) {
    return integer(q, field, dflt, MAX_LIMIT);
  }

  private static ChainbaseDb.Direction direction(JsonNode q) {
    JsonNode n = q.get("direction");
    if (n == null) {
      return ChainbaseDb.Direction.OUT;
    }
    return switch (n.asText()) {
      case "out" -> ChainbaseDb.Direction.OUT;
      case "in" -> ChainbaseDb.Direction.IN;
      case "both" -> ChainbaseDb.Direction.BOTH;
      default -> throw new QueryException("direction", "out, in or both, got " + n);
    };
  }

  private static ChainbaseDb.Bound bound(JsonNode q, String field) {
    JsonNode n = q.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw new QueryException(field, "an object {\"values\": [...], \"inclusive\": true|false}");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("values") && !f.equals("inclusive")) {
        throw new QueryException(field + "." + f, "unknown field (values, inclusive)");
      }
    }
    JsonNode inc = n.get("inclusive");
    if (inc != null && !inc.isBoolean()) {
      throw new QueryException(field + ".inclusive", "true or false");
    }
    return new ChainbaseDb.Bound(
        values(n.get("values"), field + ".values"), inc == null || inc.asBoolean());
  }

  private static List<BsonValue> values(JsonNode n, String field) {
    if (n == null || !n.isArray() || n.isEmpty()) {
      throw new QueryException(field, "a non-empty array of values");
    }
    List<BsonValue> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(value(n.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  static BsonValue value(JsonNode n, String field) {
    if (n == null) {
      throw new QueryException(field, "required");
    }
    if (n.isNull()) {
      return BsonNull.VALUE;
    }
    if (n.isBoolean()) {
      return BsonBoolean.valueOf(n.asBoolean());
    }
    if (n.isTextual()) {
      return new BsonString(n.asText());
    }
    if (n.isIntegralNumber()) {
      if (!n.canConvertToLong()) {
        throw new QueryException(field, "integer out of the int64 range");
      }
      return new BsonInt64(n.asLong());
    }
    if (n.isNumber()) {
      return new BsonDouble(n.asDouble());
    }
    throw new QueryException(field, "a string, number, boolean or null");
  }

  private static float[] vector(JsonNode q) {
    JsonNode n = q.get("vector");
    if (n == null || !n.isArray() || n.isEmpty()) {
      throw new QueryException("vector", "a non-empty array of numbers");
    }
    float[] v = new float[n.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode e = n.get(i);
      if (!e.isNumber()) {
        throw new QueryException("vector[" + i + "]", "a number, got " + e);
      }
      v[i] = (float) e.asDouble();
      if (!Float.isFinite(v[i])) {
        throw new QueryException("vector[" + i + "]", "not finite as a 32-bit float");
      }
    }
    return v;
  }

  // ------------------------------------------------------------------ output

  private static ArrayNode hits(List<ChainbaseDb.Hit> hits) {
    ArrayNode a = JSON.createArrayNode();
    for (ChainbaseDb.Hit h : hits) {
      a.add(hit(h.id(), h.owner(), h.bson()));
    }
    return a;
  }

  private static ObjectNode hit(byte[] id, Identity owner, byte[] bson) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", HEX.formatHex(id));
    o.put("owner", owner.toString());
    try {
      o.set("document", JSON.readTree(BsonDocuments.toJson(bson)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored BSON does not render as JSON", e);
    }
    return o;
  }

  private static JsonNode json(BsonValue v) {
    return switch (v.getBsonType()) {
      case NULL -> JSON.nullNode();
      case BOOLEAN -> JSON.getNodeFactory().booleanNode(v.asBoolean().getValue());
      case INT32 -> JSON.getNodeFactory().numberNode(v.asInt32().getValue());
      case INT64 -> JSON.getNodeFactory().numberNode(v.asInt64().getValue());
      case DOUBLE -> JSON.getNodeFactory().numberNode(v.asDouble().getValue());
      case STRING -> JSON.getNodeFactory().textNode(v.asString().getValue());
      default -> throw new IllegalStateException("not a node value: " + v.getBsonType());
    };
  }
}
