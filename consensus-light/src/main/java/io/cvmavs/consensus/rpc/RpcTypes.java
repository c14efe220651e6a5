package io.cvmavs.consensus.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.consensus.proto.types.Header;
import java.time.Instant;
import java.util.List;

/**
 * Typed answers of CometBFT's RPC (the fields the project uses; {@code raw} keeps the whole JSON
 * result).
 */
public final class RpcTypes {
  private RpcTypes() {}

  /** {@code /status}. */
  public record Status(
      String nodeId,
      String network,
      String version,
      long latestBlockHeight,
      String latestBlockHash,
      String latestAppHash,
      Instant latestBlockTime,
      long earliestBlockHeight,
      boolean catchingUp,
      JsonNode raw) {}

  /** {@code /block}: the block id's hash and the parsed header; transactions are in {@code raw}. */
  public record Block(String blockHash, Header header, List<byte[]> txs, JsonNode raw) {}

  /** {@code /broadcast_tx_sync}: the CheckTx result. */
  public record TxSync(int code, String hash, String log, String codespace, JsonNode raw) {}

  /** {@code /broadcast_tx_commit}: CheckTx and the block result (FinalizeBlock's ExecTxResult). */
  public record TxCommit(
      int checkTxCode, int txResultCode, String hash, long height, JsonNode raw) {}

  /** {@code /abci_query}'s response. */
  public record Query(int code, byte[] key, byte[] value, long height, String log, JsonNode raw) {}

  /** One transaction of {@code /tx_search}. */
  public record Tx(String hash, long height, int index, byte[] tx, int code, JsonNode raw) {}

  /** {@code /tx_search}: one page and the total count. */
  public record TxSearch(long totalCount, List<Tx> txs) {}

  /**
   * An event delivered on a WebSocket subscription: its type (e.g. {@code
   * tendermint/event/NewBlock}).
   */
  public record Event(String query, String type, JsonNode value, JsonNode events) {}
}
