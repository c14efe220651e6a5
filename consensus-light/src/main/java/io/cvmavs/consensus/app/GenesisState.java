package io.cvmavs.consensus.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.crypto.CryptoException;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.stake.StakeException;
import io.cvmavs.stake.validator.ConsensusKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The application's genesis state: CometBFT's {@code app_state} (JSON), module README "Genesis".
 * The manuscripts active from genesis (the on-chain registry adds and retires more: module README,
 * "Manuscript registry"). Unknown and missing fields are errors naming the JSON path.
 *
 * @param chain the CVM's chain name ({@code eth})
 * @param scheduleGenesisBlock first Ethereum block of CVM block 0
 * @param blocksPerCvmBlock Ethereum blocks per CVM block
 * @param epochGenesisBlock first Ethereum block of stake epoch 0 (the stake aggregator's)
 * @param epochLengthBlocks Ethereum blocks per stake epoch
 * @param ethFinalHeight the Ethereum final height the chain starts from
 * @param epoch the stake epoch of {@code validators}
 * @param manuscripts keccak256 hashes of the registered manuscript files
 */
public record GenesisState(
    String chain,
    long scheduleGenesisBlock,
    long blocksPerCvmBlock,
    long epochGenesisBlock,
    long epochLengthBlocks,
    long ethFinalHeight,
    long epoch,
    List<byte[]> manuscripts,
    BlsValidatorSet validators) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
  private static final HexFormat HEX = HexFormat.of();

  public static GenesisState parse(byte[] appStateJson) {
    JsonNode root;
    try {
      root = JSON.readTree(appStateJson);
    } catch (IOException e) {
      throw new AppException("app_state: not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new AppException("app_state: must be a JSON object");
    }
    fields(
        root,
        "app_state",
        Set.of(
            "chain",
            "schedule",
            "epochs",
            "eth_final_height",
            "epoch",
            "manuscripts",
            "validators"));
    JsonNode schedule = object(root, "schedule", "app_state");
    fields(schedule, "app_state.schedule", Set.of("genesis_block", "blocks_per_cvm_block"));
    JsonNode epochs = object(root, "epochs", "app_state");
    fields(epochs, "app_state.epochs", Set.of("genesis_block", "length_blocks"));
    List<byte[]> manuscripts = new ArrayList<>();
    JsonNode ms = array(root, "manuscripts", "app_state");
    for (int i = 0; i < ms.size(); i++) {
      manuscripts.add(hex(ms.get(i), "app_state.manuscripts[" + i + "]", 32));
    }
    if (manuscripts.isEmpty()) {
      throw new AppException("app_state.manuscripts: at least one manuscript must be registered");
    }
    List<BlsValidator> vs = new ArrayList<>();
    JsonNode va = array(root, "validators", "app_state");
    for (int i = 0; i < va.size(); i++) {
      String at = "app_state.validators[" + i + "]";
      JsonNode v = va.get(i);
      if (!v.isObject()) {
        throw new AppException(at + ": must be an object");
      }
      fields(v, at, Set.of("consensus_key", "g1", "g2", "power"));
      try {
        vs.add(
            new BlsValidator(
                ConsensusKey.of(hex(v.get("consensus_key"), at + ".consensus_key", 32)),
                G1Point.fromBytes(hex(v.get("g1"), at + ".g1", 64)),
                G2Point.fromEvmBytes(hex(v.get("g2"), at + ".g2", 128)),
                number(v, "power", at)));
      } catch (CryptoException | StakeException e) {
        throw new AppException(at + ": " + e.getMessage());
      }
    }
    long perCvm = number(schedule, "blocks_per_cvm_block", "app_state.schedule");
    long epochLength = number(epochs, "length_blocks", "app_state.epochs");
    if (perCvm < 1 || epochLength < 1) {
      throw new AppException(
          "app_state: blocks_per_cvm_block and epochs.length_blocks must be >= 1");
    }
    JsonNode chain = root.get("chain");
    if (chain == null || !chain.isTextual() || chain.asText().isEmpty()) {
      throw new AppException("app_state.chain: missing or not a non-empty string");
    }
    return new GenesisState(
        chain.asText(),
        number(schedule, "genesis_block", "app_state.schedule"),
        perCvm,
        number(epochs, "genesis_block", "app_state.epochs"),
        epochLength,
        number(root, "eth_final_height", "app_state"),
        number(root, "epoch", "app_state"),
        List.copyOf(manuscripts),
        BlsValidatorSet.of(vs));
  }

  /** The JSON {@link #parse} reads. */
  public ObjectNode toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("chain", chain);
    o.putObject("schedule")
        .put("genesis_block", scheduleGenesisBlock)
        .put("blocks_per_cvm_block", blocksPerCvmBlock);
    o.putObject("epochs")
        .put("genesis_block", epochGenesisBlock)
        .put("length_blocks", epochLengthBlocks);
    o.put("eth_final_height", ethFinalHeight);
    o.put("epoch", epoch);
    ArrayNode ms = o.putArray("manuscripts");
    manuscripts.forEach(m -> ms.add("0x" + HEX.formatHex(m)));
    ArrayNode vs = o.putArray("validators");
    for (BlsValidator v : validators.entries()) {
      vs.addObject()
          .put("consensus_key", v.consensusKey().hex())
          .put("g1", "0x" + HEX.formatHex(v.g1().toBytes()))
          .put("g2", "0x" + HEX.formatHex(v.g2().toEvmBytes()))
          .put("power", v.power());
    }
    return o;
  }

  public byte[] toJsonBytes() {
    try {
      return JSON.writeValueAsBytes(toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void fields(JsonNode node, String at, Set<String> allowed) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new AppException(at + "." + f + ": unknown field (known: " + allowed + ")");
      }
    }
  }

  private static JsonNode object(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || !v.isObject()) {
      throw new AppException(at + "." + field + ": missing or not an object");
    }
    return v;
  }

  private static JsonNode array(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new AppException(at + "." + field + ": missing or not an array");
    }
    return v;
  }

  private static long number(JsonNode node, String field, String at) {
    JsonNode v = node.get(field);
    if (v == null || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
      throw new AppException(at + "." + field + ": missing or not a non-negative integer");
    }
    return v.asLong();
  }

  private static byte[] hex(JsonNode v, String at, int bytes) {
    if (v == null || !v.isTextual()) {
      throw new AppException(at + ": missing or not a hex string");
    }
    String s = v.asText();
    String h = s.startsWith("0x") ? s.substring(2) : s;
    if (h.length() != 2 * bytes) {
      throw new AppException(at + ": must be " + bytes + " bytes of hex, got '" + s + "'");
    }
    try {
      return HEX.parseHex(h);
    } catch (IllegalArgumentException e) {
      throw new AppException(at + ": not hex: '" + s + "'");
    }
  }
}
