package io.cvmavs.cvm.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.web3j.utils.Numeric;

/**
 * Call frames of a block's transactions, read from either trace API: geth's {@code
 * debug_traceBlockByNumber} with the call tracer (a tree per transaction) or the Parity/Erigon
 * {@code trace_block} (a flat list with trace addresses). Both become the same frames, so {@code
 * trace_calls} does not depend on which one the node offers.
 */
public final class CallFrames {
  /**
   * One call frame.
   *
   * @param traceAddress the frame's path from the transaction's top call: "" for the top call,
   *     "0,1" for the second call made by the first call
   * @param callType call, delegatecall, staticcall, callcode, create, create2, selfdestruct
   */
  public record Frame(
      long transactionIndex,
      String transactionHash,
      String traceAddress,
      String callType,
      String from,
      String to,
      String value,
      Long gas,
      Long gasUsed,
      String input,
      String output,
      String error) {
    public boolean isCreation() {
      return (callType.equals("create") || callType.equals("create2")) && error == null;
    }
  }

  private CallFrames() {}

  /**
   * Frames of a {@code debug_traceBlockByNumber(callTracer)} answer: one entry per transaction in
   * block order, each {@code {txHash?, result: frame}}.
   */
  public static List<Frame> fromCallTracer(JsonNode answer, List<String> transactionHashes) {
    if (answer == null || !answer.isArray()) {
      throw new IngestException("debug_traceBlockByNumber did not answer with a list");
    }
    if (answer.size() != transactionHashes.size()) {
      throw new IngestException(
          "debug_traceBlockByNumber traced "
              + answer.size()
              + " transactions, the block has "
              + transactionHashes.size());
    }
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < answer.size(); i++) {
      JsonNode entry = answer.get(i);
      if (entry.hasNonNull("error") && !entry.has("result")) {
        throw new IngestException(
            "debug_traceBlockByNumber could not trace transaction "
                + transactionHashes.get(i)
                + ": "
                + entry.get("error").asText());
      }
      JsonNode top = entry.has("result") ? entry.get("result") : entry;
      walk(top, i, transactionHashes.get(i), "", out);
    }
    return out;
  }

  private static void walk(JsonNode f, long txIndex, String txHash, String path, List<Frame> out) {
    String type = f.path("type").asText("CALL").toLowerCase(Locale.ROOT);
    out.add(
        new Frame(
            txIndex,
            txHash,
            path,
            type,
            hex(f.path("from")),
            hex(f.path("to")),
            decimal(f.path("value"), "0"),
            quantity(f.path("gas")),
            quantity(f.path("gasUsed")),
            hex(f.path("input")),
            hex(f.path("output")),
            text(f.path("error"))));
    JsonNode calls = f.path("calls");
    for (int c = 0; c < calls.size(); c++) {
      walk(calls.get(c), txIndex, txHash, path.isEmpty() ? "" + c : path + "," + c, out);
    }
  }

  /**
   * Frames of a {@code trace_block} answer (block rewards, which belong to no transaction, left
   * out).
   */
  public static List<Frame> fromTraceBlock(JsonNode answer) {
    if (answer == null || !answer.isArray()) {
      throw new IngestException("trace_block did not answer with a list");
    }
    List<Frame> out = new ArrayList<>();
    for (JsonNode t : answer) {
      if (!t.hasNonNull("transactionHash")) {
        continue;
      }
      String type = t.path("type").asText();
      JsonNode action = t.path("action");
      JsonNode result = t.path("result");
      String callType =
          switch (type) {
            case "create" ->
                action.path("creationMethod").asText("create").toLowerCase(Locale.ROOT);
            case "suicide" -> "selfdestruct";
            default -> action.path("callType").asText("call").toLowerCase(Locale.ROOT);
          };
      List<String> path = new ArrayList<>();
      t.path("traceAddress").forEach(n -> path.add(n.asText()));
      boolean create = type.equals("create");
      out.add(
          new Frame(
              t.path("transactionPosition").asLong(),
              hex(t.path("transactionHash")),
              String.join(",", path),
              callType,
              hex(type.equals("suicide") ? action.path("address") : action.path("from")),
              hex(
                  create
                      ? result.path("address")
                      : type.equals("suicide") ? action.path("refundAddress") : action.path("to")),
              decimal(type.equals("suicide") ? action.path("balance") : action.path("value"), "0"),
              quantity(action.path("gas")),
              quantity(result.path("gasUsed")),
              hex(create ? action.path("init") : action.path("input")),
              hex(create ? result.path("code") : result.path("output")),
              text(t.path("error"))));
    }
    return out;
  }

  private static String text(JsonNode n) {
    return n.isMissingNode() || n.isNull() ? null : n.asText();
  }

  private static String hex(JsonNode n) {
    String s = text(n);
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static Long quantity(JsonNode n) {
    String s = text(n);
    return s == null ? null : Numeric.decodeQuantity(s).longValueExact();
  }

  private static String decimal(JsonNode n, String absent) {
    String s = text(n);
    return s == null ? absent : Numeric.decodeQuantity(s).toString();
  }
}
