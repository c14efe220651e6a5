package io.cvmavs.consensus.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.state.AppState;
import io.cvmavs.consensus.app.state.AppStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The app-hash leaves of every committed height, kept so that {@code /state/root/<height>} can
 * answer for a past height: a light client holding header {@code height + 1} (whose {@code
 * app_hash} is the app hash after {@code height}) checks the leaves against it. A record per height
 * ({@code sroot/<height>} → the leaves, 32 bytes each, in {@link AppState#COMPONENTS} order); not
 * part of the app hash, so the chain's hashes do not change. A node restored from a snapshot has no
 * records below the snapshot's height and answers those heights with code 1.
 */
final class StateRootHistory {
  /** Record prefix: height → its app-hash leaves. */
  static final String PREFIX = "sroot/";

  static final String PATH = "/state/root/";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  private StateRootHistory() {}

  /** Adds the leaves of {@code state} (just executed at its height) to a block's records. */
  static void record(AppState state, Map<byte[], byte[]> records) {
    List<byte[]> leaves = state.componentLeaves();
    byte[] all = new byte[32 * leaves.size()];
    for (int i = 0; i < leaves.size(); i++) {
      System.arraycopy(leaves.get(i), 0, all, 32 * i, 32);
    }
    records.put(AppStore.key(PREFIX, state.height), all);
  }

  /**
   * Answers {@code /state/root/<height>} (the path's tail): {@code height}, {@code app_hash}
   * (recomputed from the stored leaves) and {@code components} by name — the shape of {@code
   * /state/root}.
   */
  static byte[] query(AppStore store, String tail) throws IOException {
    long height;
    try {
      height = Long.parseLong(tail);
    } catch (NumberFormatException e) {
      throw new AppException("expected " + PATH + "<height>, got '" + PATH + tail + "'");
    }
    byte[] all =
        store
            .get(AppStore.key(PREFIX, height))
            .orElseThrow(
                () ->
                    new AppException(
                        "no app-hash leaves stored for height "
                            + height
                            + " (not committed yet, or below the snapshot this node started"
                            + " from)"));
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i + 32 <= all.length; i += 32) {
      leaves.add(java.util.Arrays.copyOfRange(all, i, i + 32));
    }
    ObjectNode o = JSON.createObjectNode();
    o.put("height", height);
    o.put("app_hash", "0x" + HEX.formatHex(AppState.appHashOf(leaves)));
    ObjectNode c = o.putObject("components");
    for (int i = 0; i < leaves.size(); i++) {
      c.put(AppState.COMPONENTS.get(i), "0x" + HEX.formatHex(leaves.get(i)));
    }
    return JSON.writeValueAsBytes(o);
  }
}
