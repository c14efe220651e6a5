package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.RowExtractor;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generator of chain rows: {@code blocks} blocks 12 s apart, each with {@code perBlock} logs
 * of which every third is not a Transfer (another topic0), the others ERC-20 Transfers ABI-encoded
 * as a real token emits them (two indexed addresses, the amount as one data word). The expected
 * decoded values are kept alongside.
 */
final class GeneratedLogs {
  static final String OTHER_TOPIC =
      "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
  static final LocalDateTime GENESIS = LocalDateTime.of(2024, 5, 1, 0, 0);

  record Expected(
      String transactionHash,
      long logIndex,
      String token,
      String from,
      String to,
      BigInteger value) {}

  final Map<ChainTable, List<Object[]>> rows = new EnumMap<>(ChainTable.class);
  final List<Expected> transfers = new ArrayList<>();

  GeneratedLogs(long seed, int blocks, int perBlock, List<String> tokens) {
    Random random = new Random(seed);
    for (ChainTable t : ChainTable.values()) {
      rows.put(t, new ArrayList<>());
    }
    HexFormat hex = HexFormat.of();
    for (long b = 0; b < blocks; b++) {
      LocalDateTime ts = GENESIS.plusSeconds(12 * b);
      Object[] block = new Object[ChainTable.BLOCKS.columns().size()];
      block[0] = b;
      block[1] = word(random);
      block[3] = ts;
      rows.get(ChainTable.BLOCKS).add(block);
      for (long i = 0; i < perBlock; i++) {
        long logIndex = i;
        String tx = word(random);
        String token = tokens.get(random.nextInt(tokens.size()));
        String from = "0x" + hex.formatHex(bytes(random, 20));
        String to = "0x" + hex.formatHex(bytes(random, 20));
        BigInteger value = new BigInteger(1, bytes(random, 1 + random.nextInt(31)));
        boolean transfer = i % 3 != 2;
        Object[] log = new Object[ChainTable.TRANSACTION_LOGS.columns().size()];
        log[0] = b;
        log[1] = ts;
        log[2] = block[1];
        log[3] = tx;
        log[4] = i;
        log[5] = logIndex;
        log[6] = token;
        log[7] = "0x" + String.format("%064x", value);
        log[8] = transfer ? RowExtractor.TRANSFER_TOPIC : OTHER_TOPIC;
        log[9] = "0x" + "0".repeat(24) + from.substring(2);
        log[10] = "0x" + "0".repeat(24) + to.substring(2);
        log[11] = null;
        rows.get(ChainTable.TRANSACTION_LOGS).add(log);
        if (transfer) {
          transfers.add(new Expected(tx, logIndex, token, from, to, value));
        }
      }
    }
  }

  List<Object[]> rows(String chain, ChainTable table, long from, long to) {
    return rows.get(table).stream().filter(r -> (Long) r[0] >= from && (Long) r[0] <= to).toList();
  }

  private static String word(Random random) {
    return "0x" + HexFormat.of().formatHex(bytes(random, 32));
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
