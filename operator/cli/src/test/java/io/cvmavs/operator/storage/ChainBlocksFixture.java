package io.cvmavs.operator.storage;

import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A deterministic CVM for the anchoring tests: block {@code h} of a manuscript is built by the
 * CVM's own {@link CvmBlockBuilder} over 20 transfer rows seeded by the manuscript and height, on
 * the range the chain's schedule gives it, its parent the block before. Every validator asking gets
 * the same block.
 */
final class ChainBlocksFixture implements CvmEngine {
  private final Map<String, CvmBlock> built = new HashMap<>();

  @Override
  public synchronized CvmBlock block(
      byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    String key = HexFormat.of().formatHex(manuscriptHash) + "/" + height;
    CvmBlock cached = built.get(key);
    if (cached != null) {
      return cached;
    }
    long span = toBlock - fromBlock + 1;
    Optional<CvmBlockHeader> parent =
        height == 0
            ? Optional.empty()
            : Optional.of(
                block(manuscriptHash, height - 1, fromBlock - span, fromBlock - 1).header());
    SplittableRandom random = new SplittableRandom(height * 31 + manuscriptHash[0]);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] tx = new byte[32];
      random.nextBytes(tx);
      rows.add(new Object[] {tx, (long) i, random.nextLong(1, Long.MAX_VALUE)});
    }
    CvmBlock b =
        new CvmBlockBuilder()
            .build(
                parent,
                manuscriptHash,
                SourceCommitment.of(
                    "eth", fromBlock, toBlock, Map.of(ChainTable.BLOCKS, List.of())),
                Map.of(
                    "transfers",
                    CanonicalDataset.of(
                        List.of("transaction_hash", "log_index", "amount"),
                        List.of("transaction_hash", "log_index"),
                        rows)),
                1_700_000_000L + toBlock * 12L);
    built.put(key, b);
    return b;
  }

  /** Blocks 0..count-1 on the schedule {@code genesis + h * span}. */
  List<CvmBlock> chain(byte[] manuscriptHash, int count, long genesis, long span) {
    List<CvmBlock> out = new ArrayList<>();
    for (int h = 0; h < count; h++) {
      out.add(block(manuscriptHash, h, genesis + h * span, genesis + h * span + span - 1));
    }
    return out;
  }
}
