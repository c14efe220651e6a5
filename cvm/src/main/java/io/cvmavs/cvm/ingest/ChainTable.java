package io.cvmavs.cvm.ingest;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The chain datasets and their schemas ({@code <chain>.<table>}). Column order is the canonical
 * record order. Hashes, addresses and byte strings are lower-case {@code 0x} hex; 256-bit
 * quantities (value, gas prices, token amounts) are decimal strings, because they overflow
 * DECIMAL(38); block_timestamp is a UTC TIMESTAMP(3).
 */
public enum ChainTable {
  BLOCKS(
      "blocks",
      List.of("block_number"),
      col("block_number", ColumnType.BIGINT),
      col("block_hash", ColumnType.STRING),
      col("parent_hash", ColumnType.STRING),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("miner", ColumnType.STRING),
      col("gas_limit", ColumnType.BIGINT),
      col("gas_used", ColumnType.BIGINT),
      col("base_fee_per_gas", ColumnType.STRING),
      col("difficulty", ColumnType.STRING),
      col("size", ColumnType.BIGINT),
      col("extra_data", ColumnType.STRING),
      col("state_root", ColumnType.STRING),
      col("transactions_root", ColumnType.STRING),
      col("receipts_root", ColumnType.STRING),
      col("transaction_count", ColumnType.BIGINT)),
  TRANSACTIONS(
      "transactions",
      List.of("block_number", "transaction_index"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("block_hash", ColumnType.STRING),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("nonce", ColumnType.BIGINT),
      col("from_address", ColumnType.STRING),
      col("to_address", ColumnType.STRING),
      col("value", ColumnType.STRING),
      col("gas", ColumnType.BIGINT),
      col("gas_price", ColumnType.STRING),
      col("max_fee_per_gas", ColumnType.STRING),
      col("max_priority_fee_per_gas", ColumnType.STRING),
      col("input", ColumnType.STRING),
      col("method_id", ColumnType.STRING),
      col("transaction_type", ColumnType.BIGINT),
      col("receipt_status", ColumnType.BIGINT),
      col("receipt_gas_used", ColumnType.BIGINT),
      col("receipt_cumulative_gas_used", ColumnType.BIGINT),
      col("receipt_effective_gas_price", ColumnType.STRING),
      col("receipt_contract_address", ColumnType.STRING)),
  TRANSACTION_LOGS(
      "transaction_logs",
      List.of("block_number", "log_index"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("block_hash", ColumnType.STRING),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("log_index", ColumnType.BIGINT),
      col("address", ColumnType.STRING),
      col("data", ColumnType.STRING),
      col("topic0", ColumnType.STRING),
      col("topic1", ColumnType.STRING),
      col("topic2", ColumnType.STRING),
      col("topic3", ColumnType.STRING)),
  /** ERC-20 and ERC-721 {@code Transfer} events, decoded. */
  TOKEN_TRANSFERS(
      "token_transfers",
      List.of("block_number", "log_index"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("log_index", ColumnType.BIGINT),
      col("token_address", ColumnType.STRING),
      col("token_standard", ColumnType.STRING),
      col("from_address", ColumnType.STRING),
      col("to_address", ColumnType.STRING),
      col("value", ColumnType.STRING),
      col("token_id", ColumnType.STRING)),
  /**
   * Contracts created in the range, top-level and by other contracts ({@code CREATE} / {@code
   * CREATE2} frames of the call traces), with their runtime bytecode. Needs the node's trace API.
   */
  CONTRACTS(
      "contracts",
      List.of("block_number", "transaction_index", "trace_address"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("trace_address", ColumnType.STRING),
      col("from_address", ColumnType.STRING),
      col("address", ColumnType.STRING),
      col("bytecode", ColumnType.STRING)),
  /**
   * Every call frame of every transaction ({@code debug_traceBlockByNumber} with the call tracer,
   * or {@code trace_block}); {@code trace_address} is the frame's path ("" for the top call, "0,1"
   * for the second call of the first call).
   */
  TRACE_CALLS(
      "trace_calls",
      List.of("block_number", "transaction_index", "trace_address"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("trace_address", ColumnType.STRING),
      col("call_type", ColumnType.STRING),
      col("from_address", ColumnType.STRING),
      col("to_address", ColumnType.STRING),
      col("value", ColumnType.STRING),
      col("gas", ColumnType.BIGINT),
      col("gas_used", ColumnType.BIGINT),
      col("input", ColumnType.STRING),
      col("output", ColumnType.STRING),
      col("error", ColumnType.STRING),
      col("status", ColumnType.BIGINT)),
  /**
   * Token metadata of the contracts created in the range, read with {@code eth_call} at their
   * creation block: ERC-20 name/symbol/decimals/totalSupply, ERC-165 interface flags, EIP-1967
   * proxy slot.
   */
  TOKEN_METAS(
      "token_metas",
      List.of("block_number", "contract_address"),
      col("block_number", ColumnType.BIGINT),
      col("block_timestamp", ColumnType.TIMESTAMP),
      col("transaction_hash", ColumnType.STRING),
      col("transaction_index", ColumnType.BIGINT),
      col("from_address", ColumnType.STRING),
      col("contract_address", ColumnType.STRING),
      col("name", ColumnType.STRING),
      col("symbol", ColumnType.STRING),
      col("decimals", ColumnType.BIGINT),
      col("total_supply", ColumnType.STRING),
      col("is_erc20", ColumnType.BIGINT),
      col("is_erc721", ColumnType.BIGINT),
      col("is_erc1155", ColumnType.BIGINT),
      col("is_proxy", ColumnType.BIGINT));

  /** The tables every ingestion stores, from blocks and receipts alone. */
  public static final List<ChainTable> CORE =
      List.of(BLOCKS, TRANSACTIONS, TRANSACTION_LOGS, TOKEN_TRANSFERS);

  /** The tables that need the node's trace API (and eth_call); ingested when asked for. */
  public static final List<ChainTable> TRACED = List.of(CONTRACTS, TRACE_CALLS, TOKEN_METAS);

  /** The column types chain tables use (Flink SQL type names). */
  public enum ColumnType {
    BIGINT,
    STRING,
    TIMESTAMP
  }

  public record Column(String name, ColumnType type) {}

  private final String tableName;
  private final List<String> primaryKey;
  private final List<Column> columns;

  ChainTable(String tableName, List<String> primaryKey, Column... columns) {
    this.tableName = tableName;
    this.primaryKey = primaryKey;
    this.columns = List.of(columns);
  }

  private static Column col(String name, ColumnType type) {
    return new Column(name, type);
  }

  public String tableName() {
    return tableName;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }

  public List<String> primaryKey() {
    return primaryKey;
  }

  public int columnIndex(String name) {
    return columnNames().indexOf(name);
  }

  /** Whether every ingestion stores this table (else it needs traces and is optional). */
  public boolean core() {
    return CORE.contains(this);
  }

  /**
   * Chainbase's names for columns that are named differently here (alias → column): a manuscript
   * that names an alias gets it as an extra column of the source's view.
   */
  public java.util.Map<String, String> aliases() {
    return switch (this) {
      case TRANSACTIONS -> java.util.Map.of("hash", "transaction_hash");
      case TOKEN_TRANSFERS ->
          java.util.Map.of("contract_address", "token_address", "erc_type", "token_standard");
      case TRACE_CALLS -> java.util.Map.of("trace_type", "call_type");
      default -> java.util.Map.of();
    };
  }

  public static Optional<ChainTable> of(String tableName) {
    return Arrays.stream(values()).filter(t -> t.tableName.equals(tableName)).findFirst();
  }
}
