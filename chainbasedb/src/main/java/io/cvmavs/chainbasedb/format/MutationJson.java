package io.cvmavs.chainbasedb.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON form of a mutation (docs/DB3-FORMAT.md §6): the same fields with snake_case names,
 * UINT64 as decimal strings, bytes as 0x-hex, {@code data} as the decoded payload object and
 * documents as canonical Extended JSON. JSON → binary is exact: {@code fromJson(toJson(m))} encodes
 * to the same bytes, so the signing root is the same. Unknown or missing fields are refused by
 * name.
 */
public final class MutationJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private MutationJson() {}

  public static String toJson(Mutation m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", m.version());
    o.put("chain_id", Long.toUnsignedString(m.chainId()));
    o.put("sender_payment_chain_id", m.paymentChain());
    o.put("nonce", Long.toUnsignedString(m.nonce()));
    o.put("sender_signature", hex(m.signature()));
    if (m.publicKey() == null) {
      o.putNull("sender_public_key");
    } else {
      o.put("sender_public_key", hex(m.publicKey()));
    }
    o.put("type", m.type().name());
    o.set("data", payloadJson(m.payload()));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Mutation fromJson(String text) {
    JsonNode o;
    try {
      o = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FormatException("mutation", "not JSON: " + e.getOriginalMessage());
    }
    fields(
        o,
        "mutation",
        Set.of(
            "version",
            "chain_id",
            "sender_payment_chain_id",
            "nonce",
            "sender_signature",
            "sender_public_key",
            "type",
            "data"));
    long version = u64(o, "version", "");
    if (version != Mutation.VERSION) {
      throw new UnsupportedValueException(
          "version", "unsupported version " + version + " (this node: 1)");
    }
    long chainId = u64(o, "chain_id", "");
    String chain = text(o, "sender_payment_chain_id", "");
    if (!Mutation.PAYMENT_CHAINS.contains(chain)) {
      throw new UnsupportedValueException(
          "sender_payment_chain_id", "unknown payment chain '" + chain + "' (eth, near)");
    }
    long nonce = u64(o, "nonce", "");
    byte[] sig = bytes(o, "sender_signature", "");
    JsonNode pk = o.get("sender_public_key");
    byte[] pub = pk == null || pk.isNull() ? null : bytes(o, "sender_public_key", "");
    MutationType type = MutationType.parse(text(o, "type", ""), "type");
    Payload p = payload(type, o.get("data"), "data");
    return new Mutation(version, chainId, chain, nonce, sig, pub, type, p.encode());
  }

  // ------------------------------------------------------------------ payload → JSON

  static ObjectNode payloadJson(Payload p) {
    ObjectNode o = JSON.createObjectNode();
    switch (p) {
      case Payload.CreateDatabase c -> {
        o.put("name", c.name()).put("description", c.description());
        ids(o.putArray("members"), c.members());
        ids(o.putArray("permission_list"), c.permissionList());
      }
      case Payload.CreateExternal c ->
          o.put("name", c.name()).put("contract", c.contract().toString()).put("abi", c.abiJson());
      case Payload.CreateCollection c -> {
        o.put("db", c.db().toString()).put("name", c.name());
        ArrayNode a = o.putArray("indexes");
        for (IndexSpec s : c.indexes()) {
          ObjectNode i = a.addObject().put("name", s.name()).put("kind", s.kind().wire());
          s.fields().forEach(i.putArray("fields")::add);
          i.put("dimension", s.dimension()).put("metric", s.metric());
        }
      }
      case Payload.AddDatabaseMember c ->
          o.put("db", c.db().toString()).put("member", c.member().toString());
      case Payload.AddDocuments c -> {
        o.put("db", c.db().toString()).put("collection", c.collection());
        ArrayNode a = o.putArray("documents");
        c.documents().forEach(d -> a.add(docNode(d)));
      }
      case Payload.DeleteDocuments c -> {
        o.put("db", c.db().toString()).put("collection", c.collection());
        ArrayNode a = o.putArray("ids");
        c.ids().forEach(id -> a.add(HEX.formatHex(id)));
      }
      case Payload.UpdateDocuments c -> {
        o.put("db", c.db().toString()).put("collection", c.collection());
        ArrayNode a = o.putArray("updates");
        for (Payload.Update u : c.updates()) {
          a.addObject().put("id", HEX.formatHex(u.id())).set("document", docNode(u.document()));
        }
      }
      case Payload.Deposit c ->
          o.put("amount", new BigInteger(1, c.amount()).toString())
              .put("bridge_tx", hex(c.bridgeTx()));
      case Payload.Withdrawal c ->
          o.put("amount", new BigInteger(1, c.amount()).toString()).put("to", c.to().toString());
      case Payload.Group g -> {
        ArrayNode a = o.putArray("items");
        for (Payload item : g.items()) {
          a.addObject().put("type", item.type().name()).set("data", payloadJson(item));
        }
      }
    }
    return o;
  }

  private static JsonNode docNode(byte[] bson) {
    try {
      return JSON.readTree(BsonDocuments.toJson(bson));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void ids(ArrayNode a, List<Identity> ids) {
    ids.forEach(i -> a.add(i.toString()));
  }

  // ------------------------------------------------------------------ JSON → payload

  static Payload payload(MutationType type, JsonNode o, String f) {
    if (o == null || !o.isObject()) {
      throw new FormatException(f, "required object is missing");
    }
    Payload p =
        switch (type) {
          case CREATE_DATABASE -> {
            fields(o, f, Set.of("name", "description", "members", "permission_list"));
            yield new Payload.CreateDatabase(
                name(o, "name", f),
                text(o, "description", f),
                list(o, "members", f, (n, x) -> identity(n, x, Identity.Kind.USER)),
                list(o, "permission_list", f, (n, x) -> identity(n, x, Identity.Kind.PERMISSION)));
          }
          case CREATE_EXTERNAL -> {
            fields(o, f, Set.of("name", "contract", "abi"));
            yield new Payload.CreateExternal(
                name(o, "name", f),
                identity(o.get("contract"), f + ".contract", Identity.Kind.EXTERNAL),
                text(o, "abi", f));
          }
          case CREATE_COLLECTION -> {
            fields(o, f, Set.of("db", "name", "indexes"));
            yield new Payload.CreateCollection(
                identity(o.get("db"), f + ".db", Identity.Kind.DB),
                name(o, "name", f),
                list(o, "indexes", f, MutationJson::indexSpec));
          }
          case ADD_DATABASE_MEMBER -> {
            fields(o, f, Set.of("db", "member"));
            yield new Payload.AddDatabaseMember(
                identity(o.get("db"), f + ".db", Identity.Kind.DB),
                identity(o.get("member"), f + ".member", Identity.Kind.USER));
          }
          case ADD_DOCUMENTS -> {
            fields(o, f, Set.of("db", "collection", "documents"));
            yield new Payload.AddDocuments(
                identity(o.get("db"), f + ".db", Identity.Kind.DB),
                name(o, "collection", f),
                list(o, "documents", f, MutationJson::document));
          }
          case DELETE_DOCUMENTS -> {
            fields(o, f, Set.of("db", "collection", "ids"));
            yield new Payload.DeleteDocuments(
                identity(o.get("db"), f + ".db", Identity.Kind.DB),
                name(o, "collection", f),
                list(o, "ids", f, MutationJson::docId));
          }
          case UPDATE_DOCUMENTS -> {
            fields(o, f, Set.of("db", "collection", "updates"));
            yield new Payload.UpdateDocuments(
                identity(o.get("db"), f + ".db", Identity.Kind.DB),
                name(o, "collection", f),
                list(
                    o,
                    "updates",
                    f,
                    (n, x) -> {
                      fields(n, x, Set.of("id", "document"));
                      return new Payload.Update(
                          docId(n.get("id"), x + ".id"),
                          document(n.get("document"), x + ".document"));
                    }));
          }
          case DEPOSIT -> {
            fields(o, f, Set.of("amount", "bridge_tx"));
            byte[] tx = bytes(o, "bridge_tx", f);
            if (tx.length != 32) {
              throw new FormatException(f + ".bridge_tx", "a transaction hash is 32 bytes");
            }
            yield new Payload.Deposit(uint256(o, "amount", f), tx);
          }
          case WITHDRAWAL -> {
            fields(o, f, Set.of("amount", "to"));
            yield new Payload.Withdrawal(
                uint256(o, "amount", f), identity(o.get("to"), f + ".to", Identity.Kind.USER));
          }
          case GROUP -> {
            fields(o, f, Set.of("items"));
            yield new Payload.Group(
                list(
                    o,
                    "items",
                    f,
                    (n, x) -> {
                      fields(n, x, Set.of("type", "data"));
                      MutationType t = MutationType.parse(text(n, "type", x), x + ".type");
                      if (t == MutationType.GROUP) {
                        throw new FormatException(
                            x + ".type", "a MutationGroup cannot contain a group");
                      }
                      return payload(t, n.get("data"), x + ".data");
                    }));
          }
        };
    // The binary decoder is the one place that checks every rule: run the canonical bytes through
    // it.
    return Payload.decode(type, p.encode(), f);
  }

  private static IndexSpec indexSpec(JsonNode n, String f) {
    fields(n, f, Set.of("name", "kind", "fields", "dimension", "metric"));
    IndexSpec.Kind kind = IndexSpec.Kind.parse(text(n, "kind", f), f + ".kind");
    JsonNode dim = n.get("dimension");
    JsonNode metric = n.get("metric");
    return new IndexSpec(
        text(n, "name", f),
        kind,
        list(n, "fields", f, (x, p) -> textNode(x, p)),
        dim == null ? 0 : (int) u64(n, "dimension", f),
        metric == null ? "" : text(n, "metric", f));
  }

  private static byte[] document(JsonNode n, String f) {
    if (n == null || !n.isObject()) {
      throw new FormatException(f, "a document is a JSON object (Extended JSON)");
    }
    return BsonDocuments.fromJson(n.toString(), f);
  }

  private static byte[] docId(JsonNode n, String f) {
    String s = textNode(n, f);
    if (s.length() != 32) {
      throw new FormatException(f, "a document id is 32 hex characters (16 bytes)");
    }
    try {
      return HEX.parseHex(s);
    } catch (IllegalArgumentException e) {
      throw new FormatException(f, "a document id is hex");
    }
  }

  // ------------------------------------------------------------------ helpers

  private static void fields(JsonNode o, String f, Set<String> allowed) {
    if (o == null || !o.isObject()) {
      throw new FormatException(f, "expected a JSON object");
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw new FormatException(path(f, k), "unknown field");
      }
    }
  }

  private static String path(String f, String k) {
    return f.isEmpty() ? k : f + "." + k;
  }

  private static JsonNode required(JsonNode o, String k, String f) {
    JsonNode n = o.get(k);
    if (n == null || n.isNull()) {
      throw new FormatException(path(f, k), "required field is missing");
    }
    return n;
  }

  private static String text(JsonNode o, String k, String f) {
    return textNode(required(o, k, f), path(f, k));
  }

  private static String textNode(JsonNode n, String f) {
    if (n == null || !n.isTextual()) {
      throw new FormatException(f, "expected a string");
    }
    return n.asText();
  }

  private static String name(JsonNode o, String k, String f) {
    String s = text(o, k, f);
    Payload.checkName(s, path(f, k));
    return s;
  }

  private static long u64(JsonNode o, String k, String f) {
    JsonNode n = required(o, k, f);
    String s = n.isIntegralNumber() ? n.asText() : n.isTextual() ? n.asText() : null;
    try {
      if (s == null || s.startsWith("-") || s.startsWith("+")) {
        throw new NumberFormatException();
      }
      return Long.parseUnsignedLong(s);
    } catch (NumberFormatException e) {
      throw new FormatException(path(f, k), "expected an unsigned 64-bit integer, got " + n);
    }
  }

  private static byte[] uint256(JsonNode o, String k, String f) {
    String s = text(o, k, f);
    BigInteger v;
    try {
      v = new BigInteger(s);
    } catch (NumberFormatException e) {
      throw new FormatException(path(f, k), "expected a decimal integer string");
    }
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new FormatException(path(f, k), "out of the UINT256 range");
    }
    byte[] out = new byte[32];
    byte[] b = v.toByteArray();
    int n = Math.min(b.length, 32);
    System.arraycopy(b, b.length - n, out, 32 - n, n);
    return out;
  }

  private static byte[] bytes(JsonNode o, String k, String f) {
    String s = text(o, k, f);
    if (!s.startsWith("0x") || s.length() % 2 != 0) {
      throw new FormatException(path(f, k), "expected 0x-prefixed hex with an even length");
    }
    try {
      return HEX.parseHex(s.substring(2));
    } catch (IllegalArgumentException e) {
      throw new FormatException(path(f, k), "not hex");
    }
  }

  private static Identity identity(JsonNode n, String f, Identity.Kind kind) {
    Identity id = Identity.parse(textNode(n, f), f);
    if (id.kind() != kind) {
      throw new BadIdentityException(f, "expected a " + kind.prefix() + " identity, got " + id);
    }
    return id;
  }

  private interface Item<T> {
    T read(JsonNode n, String field);
  }

  private static <T> List<T> list(JsonNode o, String k, String f, Item<T> item) {
    JsonNode a = required(o, k, f);
    if (!a.isArray()) {
      throw new FormatException(path(f, k), "expected an array");
    }
    List<T> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(item.read(a.get(i), path(f, k) + "[" + i + "]"));
    }
    return out;
  }

  static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }
}
