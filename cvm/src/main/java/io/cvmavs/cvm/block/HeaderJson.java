package io.cvmavs.cvm.block;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The JSON form of a {@link CvmBlockHeader} (hashes as {@code 0x} hex), shared by record proofs,
 * the block store and the HTTP interface. {@code datasetsRoot} and {@code blockHash} are derived
 * values, written for readers and recomputed when reading.
 */
public final class HeaderJson {
  private static final HexFormat HEX = HexFormat.of();

  private HeaderJson() {}

  public static ObjectNode write(CvmBlockHeader h) {
    ObjectNode header = JsonNodeFactory.instance.objectNode();
    header.put("blockHash", hex(h.hash()));
    header.put("height", h.height());
    header.put("parentHash", hex(h.parentHash()));
    ObjectNode input = header.putObject("input");
    input.put("chain", h.input().chain());
    input.put("fromBlock", h.input().fromBlock());
    input.put("toBlock", h.input().toBlock());
    input.put("sourceRoot", hex(h.input().sourceRoot()));
    header.put("manuscriptHash", hex(h.manuscriptHash()));
    ArrayNode datasets = header.putArray("datasets");
    for (DatasetEntry d : h.datasets()) {
      ObjectNode e = datasets.addObject();
      e.put("name", d.name());
      e.put("recordCount", d.recordCount());
      e.put("root", hex(d.root()));
      e.put("schemaHash", hex(d.schemaHash()));
    }
    header.put("datasetsRoot", hex(h.datasetsRoot()));
    header.put("stateRoot", hex(h.stateRoot()));
    header.put("timestamp", h.timestamp());
    return header;
  }

  /** Reads a header; throws {@link BlockException} naming the missing or malformed field. */
  public static CvmBlockHeader read(JsonNode h) {
    try {
      JsonNode in = h.required("input");
      List<DatasetEntry> datasets = new ArrayList<>();
      for (JsonNode d : h.required("datasets")) {
        datasets.add(
            new DatasetEntry(
                d.required("name").asText(),
                d.required("recordCount").asLong(),
                unhex(d.required("root").asText()),
                unhex(d.required("schemaHash").asText())));
      }
      return new CvmBlockHeader(
          h.required("height").asLong(),
          unhex(h.required("parentHash").asText()),
          new InputCommitment(
              in.required("chain").asText(),
              in.required("fromBlock").asLong(),
              in.required("toBlock").asLong(),
              unhex(in.required("sourceRoot").asText())),
          unhex(h.required("manuscriptHash").asText()),
          datasets,
          unhex(h.required("stateRoot").asText()),
          h.required("timestamp").asLong());
    } catch (IllegalArgumentException e) {
      throw new BlockException("not a CVM block header: " + e.getMessage());
    }
  }

  public static String hex(byte[] b) {
    return "0x" + HEX.formatHex(b);
  }

  public static byte[] unhex(String s) {
    return HEX.parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }
}
