package io.cvmavs.cvm.ingest;

import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Turns JSON-RPC blocks and receipts into rows of the {@link ChainTable}s (values in column order).
 * Pure: the same block gives the same rows, byte for byte after canonical encoding.
 */
public final class RowExtractor {
  /** {@code keccak256("Transfer(address,address,uint256)")}, shared by ERC-20 and ERC-721. */
  public static final String TRANSFER_TOPIC =
      "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

  private RowExtractor() {}

  public static Map<ChainTable, List<Object[]>> rows(ChainBlock chainBlock) {
    EthBlock.Block b = chainBlock.block();
    long number = b.getNumber().longValueExact();
    LocalDateTime ts =
        LocalDateTime.ofEpochSecond(
            Numeric.decodeQuantity(b.getTimestampRaw()).longValueExact(), 0, ZoneOffset.UTC);
    String blockHash = hex(b.getHash());
    Map<ChainTable, List<Object[]>> out = new EnumMap<>(ChainTable.class);
    List<EthBlock.TransactionResult> txs = b.getTransactions();
    out.put(
        ChainTable.BLOCKS,
        List.<Object[]>of(
            new Object[] {
              number,
              blockHash,
              hex(b.getParentHash()),
              ts,
              hex(b.getMiner()),
              longOrNull(b.getGasLimitRaw()),
              longOrNull(b.getGasUsedRaw()),
              decimalOrNull(b.getBaseFeePerGasRaw()),
              decimalOrNull(b.getDifficultyRaw()),
              longOrNull(b.getSizeRaw()),
              hex(b.getExtraData()),
              hex(b.getStateRoot()),
              hex(b.getTransactionsRoot()),
              hex(b.getReceiptsRoot()),
              (long) txs.size()
            }));
    Map<String, TransactionReceipt> receipts = new HashMap<>();
    for (TransactionReceipt r : chainBlock.receipts()) {
      receipts.put(hex(r.getTransactionHash()), r);
    }
    List<Object[]> transactions = new ArrayList<>();
    List<Object[]> logs = new ArrayList<>();
    List<Object[]> transfers = new ArrayList<>();
    for (EthBlock.TransactionResult result : txs) {
      if (!(result.get() instanceof Transaction tx)) {
        throw new IngestException(
            "block " + number + " was read without full transactions (hashes only)");
      }
      String txHash = hex(tx.getHash());
      TransactionReceipt receipt = receipts.get(txHash);
      if (receipt == null) {
        throw new IngestException("block " + number + " has no receipt for transaction " + txHash);
      }
      String input = hex(tx.getInput());
      transactions.add(
          new Object[] {
            number,
            ts,
            blockHash,
            txHash,
            longOrNull(tx.getTransactionIndexRaw()),
            longOrNull(tx.getNonceRaw()),
            hex(tx.getFrom()),
            hex(tx.getTo()),
            decimalOrNull(tx.getValueRaw()),
            longOrNull(tx.getGasRaw()),
            decimalOrNull(tx.getGasPriceRaw()),
            decimalOrNull(tx.getMaxFeePerGasRaw()),
            decimalOrNull(tx.getMaxPriorityFeePerGasRaw()),
            input,
            input != null && input.length() >= 10 ? input.substring(0, 10) : null,
            longOrNull(tx.getType()),
            longOrNull(receipt.getStatus()),
            longOrNull(receipt.getGasUsedRaw()),
            longOrNull(receipt.getCumulativeGasUsedRaw()),
            decimalOrNull(receipt.getEffectiveGasPrice()),
            hex(receipt.getContractAddress())
          });
      for (Log log : receipt.getLogs()) {
        List<String> topics = log.getTopics() == null ? List.of() : log.getTopics();
        Object[] row =
            new Object[] {
              number,
              ts,
              blockHash,
              txHash,
              longOrNull(log.getTransactionIndexRaw()),
              longOrNull(log.getLogIndexRaw()),
              hex(log.getAddress()),
              hex(log.getData()),
              topic(topics, 0),
              topic(topics, 1),
              topic(topics, 2),
              topic(topics, 3)
            };
        logs.add(row);
        Object[] transfer = transfer(row, topics, hex(log.getData()));
        if (transfer != null) {
          transfers.add(transfer);
        }
      }
    }
    out.put(ChainTable.TRANSACTIONS, transactions);
    out.put(ChainTable.TRANSACTION_LOGS, logs);
    out.put(ChainTable.TOKEN_TRANSFERS, transfers);
    return out;
  }

  /**
   * Rows of the traced tables (contracts, trace_calls, token_metas) of one block, from its call
   * frames and the token metadata read at that block.
   */
  public static Map<ChainTable, List<Object[]>> tracedRows(
      ChainBlock chainBlock, ChainSource.Traced traced) {
    EthBlock.Block b = chainBlock.block();
    long number = b.getNumber().longValueExact();
    LocalDateTime ts =
        LocalDateTime.ofEpochSecond(
            Numeric.decodeQuantity(b.getTimestampRaw()).longValueExact(), 0, ZoneOffset.UTC);
    List<Object[]> calls = new ArrayList<>();
    List<Object[]> contracts = new ArrayList<>();
    List<Object[]> metas = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (CallFrames.Frame f : traced.frames()) {
      calls.add(
          new Object[] {
            number,
            ts,
            f.transactionHash(),
            f.transactionIndex(),
            f.traceAddress(),
            f.callType(),
            f.from(),
            f.to(),
            f.value(),
            f.gas(),
            f.gasUsed(),
            f.input(),
            f.output(),
            f.error(),
            f.error() == null ? 1L : 0L
          });
      if (f.isCreation() && f.to() != null) {
        contracts.add(
            new Object[] {
              number,
              ts,
              f.transactionHash(),
              f.transactionIndex(),
              f.traceAddress(),
              f.from(),
              f.to(),
              f.output()
            });
        TokenMetaReader.TokenMeta m = traced.tokenMetas().get(f.to());
        if (m != null && seen.add(f.to())) {
          metas.add(
              new Object[] {
                number,
                ts,
                f.transactionHash(),
                f.transactionIndex(),
                f.from(),
                f.to(),
                m.name(),
                m.symbol(),
                m.decimals(),
                m.totalSupply(),
                m.erc20() ? 1L : 0L,
                m.erc721() ? 1L : 0L,
                m.erc1155() ? 1L : 0L,
                m.proxy() ? 1L : 0L
              });
        }
      }
    }
    Map<ChainTable, List<Object[]>> out = new EnumMap<>(ChainTable.class);
    out.put(ChainTable.CONTRACTS, contracts);
    out.put(ChainTable.TRACE_CALLS, calls);
    out.put(ChainTable.TOKEN_METAS, metas);
    return out;
  }

  /**
   * An ERC-20 Transfer has 3 topics and the amount in data; an ERC-721 Transfer has 4 topics (the
   * token id indexed) and no data. Anything else with the Transfer topic is not a token transfer we
   * can read.
   */
  private static Object[] transfer(Object[] logRow, List<String> topics, String data) {
    if (topics.isEmpty() || !TRANSFER_TOPIC.equals(hex(topics.get(0)))) {
      return null;
    }
    String standard;
    String value = null;
    String tokenId = null;
    byte[] dataBytes = data == null ? new byte[0] : Numeric.hexStringToByteArray(data);
    if (topics.size() == 3 && dataBytes.length == 32) {
      standard = "ERC20";
      value = new BigInteger(1, dataBytes).toString();
    } else if (topics.size() == 4 && dataBytes.length == 0) {
      standard = "ERC721";
      tokenId = Numeric.toBigInt(topics.get(3)).toString();
    } else {
      return null;
    }
    return new Object[] {
      logRow[0], // block_number
      logRow[1], // block_timestamp
      logRow[3], // transaction_hash
      logRow[4], // transaction_index
      logRow[5], // log_index
      logRow[6], // token_address
      standard,
      topicAddress(topics.get(1)),
      topicAddress(topics.get(2)),
      value,
      tokenId
    };
  }

  private static String topicAddress(String topic) {
    String h = hex(topic);
    return "0x" + h.substring(h.length() - 40);
  }

  private static String topic(List<String> topics, int i) {
    return i < topics.size() ? hex(topics.get(i)) : null;
  }

  static String hex(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  static Long longOrNull(String quantity) {
    return quantity == null ? null : Numeric.decodeQuantity(quantity).longValueExact();
  }

  static String decimalOrNull(String quantity) {
    return quantity == null ? null : Numeric.decodeQuantity(quantity).toString();
  }
}
