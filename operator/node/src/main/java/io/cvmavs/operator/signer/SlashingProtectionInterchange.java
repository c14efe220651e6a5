package io.cvmavs.operator.signer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.common.durable.DurableFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Export and import of slashing-protection records as one JSON document (after EIP-3076's shape),
 * to move an operator key between machines without ever being able to double-sign:
 *
 * <pre>{@code
 * {"metadata": {"interchange_format": "cvm-avs-slashing-protection", "interchange_format_version": "1"},
 *  "data": [{"operator_id": "0x…", "chain_id": "31337", "task_manager": "0x…", "task_index": "7",
 *            "response_digest": "0x…"}, …]}
 * }</pre>
 */
public final class SlashingProtectionInterchange {
  public static final String FORMAT = "cvm-avs-slashing-protection";
  public static final String VERSION = "1";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SlashingProtectionInterchange() {}

  /**
   * Writes every record of {@code store} to {@code file} (write to a temporary file, fsync,
   * rename).
   */
  public static int export(SlashingProtectionStore store, Path file) {
    List<SignedAttestation> all = store.all();
    ObjectNode root = JSON.createObjectNode();
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("interchange_format", FORMAT);
    metadata.put("interchange_format_version", VERSION);
    ArrayNode data = root.putArray("data");
    all.forEach(a -> data.add(FileSlashingProtectionStore.toJson(a)));
    try {
      DurableFiles.replace(file, JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new SlashingProtectionException(
          "cannot write export " + file + ": " + e.getMessage(), e);
    }
    return all.size();
  }

  /** Reads an export and checks every entry; throws naming the entry on the first problem. */
  public static List<SignedAttestation> read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new SlashingProtectionException("cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonNode metadata = root == null ? null : root.get("metadata");
    if (metadata == null || !FORMAT.equals(metadata.path("interchange_format").asText())) {
      throw new SlashingProtectionException(
          file + ": not a " + FORMAT + " document (metadata.interchange_format)");
    }
    if (!VERSION.equals(metadata.path("interchange_format_version").asText())) {
      throw new SlashingProtectionException(
          file
              + ": unsupported interchange_format_version "
              + metadata.path("interchange_format_version"));
    }
    JsonNode data = root.get("data");
    if (data == null || !data.isArray()) {
      throw new SlashingProtectionException(file + ": 'data' must be an array");
    }
    List<SignedAttestation> out = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      JsonNode e = data.get(i);
      try {
        String digest = e.path("response_digest").asText();
        if (!digest.matches("0x[0-9a-fA-F]{64}")) {
          throw new IllegalArgumentException("response_digest must be 0x + 64 hex digits");
        }
        out.add(
            new SignedAttestation(
                e.path("operator_id").asText().toLowerCase(java.util.Locale.ROOT),
                AttestationRequest.recorded(
                    Long.parseLong(e.path("chain_id").asText()),
                    e.path("task_manager").asText(),
                    Long.parseLong(e.path("task_index").asText()),
                    java.util.HexFormat.of().parseHex(digest.substring(2)))));
      } catch (RuntimeException problem) {
        throw new SlashingProtectionException(
            file + ": data[" + i + "] is invalid: " + problem.getMessage(), problem);
      }
    }
    return out;
  }
}
