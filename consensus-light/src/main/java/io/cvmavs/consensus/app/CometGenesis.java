package io.cvmavs.consensus.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * A CometBFT v0.38 {@code genesis.json} for the CVM chain: chain id, the validators (Ed25519 keys
 * and powers: the same validators as the app state's BLS set), consensus params with vote
 * extensions on from height 1, and the app state ({@link GenesisState}). Integers CometBFT keeps as
 * int64 are written as JSON strings, as CometBFT writes them.
 */
public final class CometGenesis {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CometGenesis() {}

  /**
   * @param names validator name per consensus key hex (optional; e.g. the operator address)
   */
  public static ObjectNode json(
      String chainId, Instant genesisTime, GenesisState app, Map<String, String> names) {
    if (chainId.isEmpty() || chainId.length() > 50) {
      throw new AppException(
          "chain id must be 1..50 characters (CometBFT's limit), got '" + chainId + "'");
    }
    ObjectNode g = JSON.createObjectNode();
    g.put("genesis_time", DateTimeFormatter.ISO_INSTANT.format(genesisTime));
    g.put("chain_id", chainId);
    g.put("initial_height", "1");
    ObjectNode params = g.putObject("consensus_params");
    params.putObject("block").put("max_bytes", "22020096").put("max_gas", "-1");
    params
        .putObject("evidence")
        .put("max_age_num_blocks", "100000")
        .put("max_age_duration", "172800000000000")
        .put("max_bytes", "1048576");
    params.putObject("validator").putArray("pub_key_types").add("ed25519");
    params.putObject("version").put("app", "1");
    params.putObject("abci").put("vote_extensions_enable_height", "1");
    ArrayNode vs = g.putArray("validators");
    for (BlsValidator v :
        app.validators().cometSet().validators().stream()
            .map(
                c ->
                    app.validators().entries().stream()
                        .filter(b -> b.consensusKey().equals(c.pubKey()))
                        .findFirst()
                        .orElseThrow())
            .toList()) {
      ObjectNode o = vs.addObject();
      o.put("address", v.consensusKey().addressHex());
      o.putObject("pub_key")
          .put("type", "tendermint/PubKeyEd25519")
          .put("value", v.consensusKey().base64());
      o.put("power", Long.toString(v.power()));
      o.put("name", names.getOrDefault(v.consensusKey().hex(), ""));
    }
    g.put("app_hash", "");
    g.set("app_state", app.toJson());
    return g;
  }

  public static String text(ObjectNode genesis) {
    try {
      return JSON.writeValueAsString(genesis) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
