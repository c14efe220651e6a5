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
      col("token_id", ColumnType.STRING));

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

  public static Optional<ChainTable> of(String tableName) {
    return Arrays.stream(values()).filter(t -> t.tableName.equals(tableName)).findFirst();
  }
}
