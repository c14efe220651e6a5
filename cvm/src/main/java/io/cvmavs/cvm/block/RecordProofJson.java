package io.cvmavs.cvm.block;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetRootProof;
import io.cvmavs.cvm.proof.InclusionProof;
import io.cvmavs.cvm.proof.ProofException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON form of a {@link RecordProof}, as {@code cvm-avs cvm prove} prints it and a verifier
 * reads it (format: docs/PROOFS.md). Hashes and the record are {@code 0x} hex.
 *
 * <p>Version 2 (written) adds {@code version}, {@code types} (each field's canonical type), the
 * {@code datasetProof} from the dataset's root to the task response's {@code datasetRoot}, and
 * {@code responseDatasetRoot}. Version 1 (no {@code version} field) is still read. In both, the
 * readable {@code values} are <em>bound</em> to {@code record}: reading re-encodes them with the
 * canonical encoding (typed by {@code types}, or in v1 by the record's own field tags) and refuses
 * a proof whose values and record differ, so what a person reads is what the proof proves.
 */
public final class RecordProofJson {
  public static final int VERSION = 2;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String[] TYPE_NAMES = {
    "NULL", "BOOLEAN", "INTEGER", "DECIMAL", "DOUBLE", "STRING", "BYTES", "TIMESTAMP", "DATE"
  };

  private RecordProofJson() {}

  public static String write(RecordProof p) {
    CvmBlockHeader h = p.header();
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    root.put("blockHash", hex(h.hash()));
    root.set("header", HeaderJson.write(h));
    root.put("dataset", p.dataset());
    root.put("record", hex(p.record()));
    root.set("types", types(p.record()));
    root.set("values", values(p.record()));
    root.put("leafIndex", p.proof().leafIndex());
    root.put("leafCount", p.proof().leafCount());
    ArrayNode siblings = root.putArray("siblings");
    p.proof().siblings().forEach(s -> siblings.add(hex(s)));
    root.set("datasetProof", datasetProof(p.datasetProof()));
    root.put("responseDatasetRoot", hex(p.responseDatasetRoot()));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a proof tree always serialises", e);
    }
  }

  /**
   * Reads a v1 or v2 proof; throws {@link BlockException} naming the field when it is malformed,
   * when its values differ from its record, or (v2) when its dataset proof or response dataset root
   * differ from what its header implies.
   */
  public static RecordProof read(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BlockException("not a record proof: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BlockException("not a record proof: expected a JSON object");
    }
    int version = root.has("version") ? root.get("version").asInt(-1) : 1;
    if (version != 1 && version != VERSION) {
      throw new BlockException(
          "record proof version " + root.get("version") + " is not supported (1 or 2)");
    }
    RecordProof proof;
    try {
      CvmBlockHeader header = HeaderJson.read(required(root, "header"));
      List<byte[]> siblings = new ArrayList<>();
      required(root, "siblings").forEach(s -> siblings.add(unhex(s.asText())));
      proof =
          new RecordProof(
              header,
              required(root, "dataset").asText(),
              unhex(required(root, "record").asText()),
              new InclusionProof(
                  required(root, "leafIndex").asLong(),
                  required(root, "leafCount").asLong(),
                  siblings));
    } catch (IllegalArgumentException | ProofException e) {
      throw new BlockException("not a record proof: " + e.getMessage());
    }
    checkValues(proof.record(), required(root, "values"), version == 1 ? null : root.get("types"));
    if (version == VERSION) {
      JsonNode dp = required(root, "datasetProof");
      // Compared as text, so that an int and a long node of the same number are equal.
      if (!dp.toString().equals(datasetProof(proof.datasetProof()).toString())) {
        throw new BlockException(
            "datasetProof does not match the header's datasets (expected "
                + datasetProof(proof.datasetProof())
                + ")");
      }
      if (!Arrays.equals(
          unhex(required(root, "responseDatasetRoot").asText()), proof.responseDatasetRoot())) {
        throw new BlockException("responseDatasetRoot does not match the header's datasets");
      }
    }
    return proof;
  }

  private static JsonNode required(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      throw new BlockException("not a record proof: field '" + field + "' is missing");
    }
    return n;
  }

  /**
   * Re-encodes {@code values} (typed by {@code types}, or by the record's tags when {@code types}
   * is null) and requires the result to equal {@code record}, field by field.
   */
  static void checkValues(byte[] record, JsonNode values, JsonNode types) {
    Object[] decoded;
    try {
      decoded = CanonicalDecoding.decode(record);
    } catch (ProofException e) {
      throw new BlockException("record: " + e.getMessage());
    }
    if (!values.isArray() || values.size() != decoded.length) {
      throw new BlockException(
          "values: the record has "
              + decoded.length
              + " fields but values has "
              + (values.isArray() ? values.size() : "no array of")
              + " entries");
    }
    if (types != null && (!types.isArray() || types.size() != decoded.length)) {
      throw new BlockException("types: expected an array of " + decoded.length + " type names");
    }
    for (int i = 0; i < decoded.length; i++) {
      byte[] actual = CanonicalEncoding.encodeField(decoded[i]);
      String recordType = TYPE_NAMES[actual[0]];
      String type = types == null ? recordType : types.get(i).asText();
      Object value = parse(values.get(i), type, i);
      byte[] reencoded = CanonicalEncoding.encodeField(value);
      if (!Arrays.equals(reencoded, actual)) {
        throw new BlockException(
            "values["
                + i
                + "] = "
                + values.get(i)
                + " ("
                + type
                + ") is not field "
                + i
                + " of the record, which is "
                + values(record).get(i)
                + " ("
                + recordType
                + ")");
      }
    }
  }

  private static Object parse(JsonNode v, String type, int i) {
    try {
      return switch (type) {
        case "NULL" -> {
          if (!v.isNull()) {
            throw new IllegalArgumentException("expected null");
          }
          yield null;
        }
        case "BOOLEAN" ->
            switch (v.isBoolean() ? String.valueOf(v.booleanValue()) : v.asText()) {
              case "true" -> true;
              case "false" -> false;
              default -> throw new IllegalArgumentException("expected true or false");
            };
        case "INTEGER" -> {
          if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("expected a 64-bit integer");
          }
          yield v.longValue();
        }
        case "DECIMAL" -> new BigDecimal(text(v));
        case "DOUBLE" -> Double.parseDouble(text(v));
        case "STRING" -> text(v);
        case "BYTES" -> unhex(text(v));
        case "TIMESTAMP" -> LocalDateTime.parse(text(v));
        case "DATE" -> LocalDate.parse(text(v));
        default -> throw new IllegalArgumentException("unknown type " + type);
      };
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new BlockException("values[" + i + "] = " + v + " (" + type + "): " + e.getMessage());
    }
  }

  private static String text(JsonNode v) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException("expected a string");
    }
    return v.textValue();
  }

  /** Each field's canonical type name (NULL, BOOLEAN, INTEGER, DECIMAL, …) in column order. */
  public static ArrayNode types(byte[] record) {
    ArrayNode types = JsonNodeFactory.instance.arrayNode();
    for (Object v : CanonicalDecoding.decode(record)) {
      types.add(TYPE_NAMES[CanonicalEncoding.encodeField(v)[0]]);
    }
    return types;
  }

  /**
   * A canonical record's values as a JSON array: integers as numbers, booleans as booleans,
   * decimals and doubles as plain strings, bytes as hex, timestamps and dates ISO-8601, strings as
   * themselves.
   */
  public static ArrayNode values(byte[] record) {
    ArrayNode values = JsonNodeFactory.instance.arrayNode();
    for (Object v : CanonicalDecoding.decode(record)) {
      switch (v) {
        case null -> values.addNull();
        case Long l -> values.add(l);
        case Boolean b -> values.add(b);
        case BigDecimal d -> values.add(d.toPlainString());
        case byte[] b -> values.add(hex(b));
        default -> values.add(v.toString());
      }
    }
    return values;
  }

  static ObjectNode datasetProof(DatasetRootProof d) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("name", d.name());
    n.put("recordCount", d.recordCount());
    n.put("datasetRoot", hex(d.datasetRoot()));
    n.put("leafIndex", d.isSingle() ? 0 : d.path().leafIndex());
    n.put("leafCount", d.isSingle() ? 0 : d.path().leafCount());
    ArrayNode siblings = n.putArray("siblings");
    if (!d.isSingle()) {
      d.path().siblings().forEach(s -> siblings.add(hex(s)));
    }
    return n;
  }

  static String hex(byte[] b) {
    return HeaderJson.hex(b);
  }

  static byte[] unhex(String s) {
    return HeaderJson.unhex(s);
  }
}
