package io.cvmavs.storage;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A chain of CVM blocks built with the CVM's own {@link CvmBlockBuilder}: each block has an ERC-20
 * style {@code transfers} dataset (transaction hash, log index, block number, from, to, amount)
 * drawn from a fixed pool of addresses and a seeded random source, so runs are repeatable.
 */
public final class TestBlocks {
  public static final byte[] MANUSCRIPT =
      "name: transfers\nversion: 1\n".getBytes(StandardCharsets.UTF_8);
  private static final List<String> COLUMNS =
      List.of("transaction_hash", "log_index", "block_number", "from", "to", "amount");

  private TestBlocks() {}

  /** {@code count} consecutive blocks from height 0, {@code rowsPerBlock} transfers each. */
  public static List<CvmBlock> chain(int count, int rowsPerBlock, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] addresses = new String[200];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = String.format("0x%016x%016x%08x", random.nextLong(), random.nextLong(), i);
    }
    CvmBlockBuilder builder = new CvmBlockBuilder();
    List<CvmBlock> out = new ArrayList<>();
    Optional<CvmBlockHeader> parent = Optional.empty();
    for (int b = 0; b < count; b++) {
      long from = b * 10L;
      long to = from + 9;
      List<Object[]> rows = new ArrayList<>();
      for (int i = 0; i < rowsPerBlock; i++) {
        byte[] tx = new byte[32];
        random.nextBytes(tx);
        rows.add(
            new Object[] {
              tx,
              (long) i,
              from + random.nextInt(10),
              addresses[random.nextInt(addresses.length)],
              addresses[random.nextInt(addresses.length)],
              BigDecimal.valueOf(random.nextLong(1, Long.MAX_VALUE), 18)
            });
      }
      CanonicalDataset ds =
          CanonicalDataset.of(COLUMNS, List.of("transaction_hash", "log_index"), rows);
      CvmBlock block =
          builder.build(
              parent,
              Keccak.hash(MANUSCRIPT),
              SourceCommitment.of("eth", from, to, Map.of(ChainTable.BLOCKS, List.of())),
              Map.of("transfers", ds),
              1_700_000_000L + b * 12L);
      out.add(block);
      parent = Optional.of(block.header());
    }
    return out;
  }
}
