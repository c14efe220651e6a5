package io.cvmavs.cvm.block;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.proof.CanonicalDecoding;
import io.cvmavs.cvm.proof.InclusionProof;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of a {@link RecordProof}, as {@code cvm-avs cvm prove} prints it and a verifier
 * (Java or the Solidity {@code DatasetProofs} library via a script) reads it. Hashes and the record
 * are {@code 0x} hex; {@code values} shows the decoded record for people and is ignored when
 * reading back.
 */
public final class RecordProofJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private RecordProofJson() {}

  public static String write(RecordProof p) {
    CvmBlockHeader h = p.header();
    ObjectNode root = JSON.createObjectNode();
    root.put("blockHash", hex(h.hash()));
    root.set("header", HeaderJson.write(h));
    root.put("dataset", p.dataset());
    root.put("record", hex(p.record()));
    root.set("values", values(p.record()));
    root.put("leafIndex", p.proof().leafIndex());
    root.put("leafCount", p.proof().leafCount());
    ArrayNode siblings = root.putArray("siblings");
    p.proof().siblings().forEach(s -> siblings.add(hex(s)));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a proof tree always serialises", e);
    }
  }

  public static RecordProof read(String json) {
    try {
      JsonNode root = JSON.readTree(json);
      CvmBlockHeader header = HeaderJson.read(root.required("header"));
      List<byte[]> siblings = new ArrayList<>();
      root.required("siblings").forEach(s -> siblings.add(unhex(s.asText())));
      return new RecordProof(
          header,
          root.required("dataset").asText(),
          unhex(root.required("record").asText()),
          new InclusionProof(
              root.required("leafIndex").asLong(), root.required("leafCount").asLong(), siblings));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new BlockException("not a record proof: " + e.getMessage());
    }
  }

  /**
   * A canonical record's values as a JSON array: integers as numbers, decimals as plain strings,
   * bytes as hex, timestamps ISO-8601, strings as themselves.
   */
  public static ArrayNode values(byte[] record) {
    ArrayNode values = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (Object v : CanonicalDecoding.decode(record)) {
      switch (v) {
        case null -> values.addNull();
        case Long l -> values.add(l);
        case BigDecimal d -> values.add(d.toPlainString());
        case byte[] b -> values.add(hex(b));
        default -> values.add(v.toString());
      }
    }
    return values;
  }

  static String hex(byte[] b) {
    return HeaderJson.hex(b);
  }

  static byte[] unhex(String s) {
    return HeaderJson.unhex(s);
  }
}
