package io.cvmavs.consensus.app;

import io.cvmavs.consensus.app.engine.CvmEngine;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockHeader;
import io.cvmavs.cvm.block.DatasetEntry;
import io.cvmavs.cvm.block.InputCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.Keccak;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deterministic CVM for the app's unit tests: block {@code h} of a manuscript has {@code
 * recordsPerBlock} rows derived from the range and a salt, built into a real {@link CvmBlock} with
 * the cvm module's dataset, header and state-root code (only the manuscript run is replaced; the
 * real engine over {@code CvmTaskComputer} is {@code TaskComputerEngineIT}'s). A different salt is
 * a byzantine CVM: same range, different records.
 */
final class SyntheticEngine implements CvmEngine {
  private final int recordsPerBlock;
  private final long salt;
  private final Map<String, CvmBlockHeader> built = new HashMap<>();
  int calls;

  SyntheticEngine(int recordsPerBlock, long salt) {
    this.recordsPerBlock = recordsPerBlock;
    this.salt = salt;
  }

  @Override
  public synchronized CvmBlock block(
      byte[] manuscriptHash, long height, long fromBlock, long toBlock) {
    calls++;
    CvmBlockHeader parent = height == 0 ? null : built.get(key(manuscriptHash, height - 1));
    if (height > 0 && parent == null) {
      parent =
          block(manuscriptHash, height - 1, fromBlock - (toBlock - fromBlock + 1), fromBlock - 1)
              .header();
    }
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < recordsPerBlock; i++) {
      long block = fromBlock + i % (toBlock - fromBlock + 1);
      rows.add(
          new Object[] {
            block, (long) i, "0x" + Long.toHexString(block * 1_000_003L + i * 31L + salt)
          });
    }
    CanonicalDataset ds =
        CanonicalDataset.of(
            List.of("block_number", "log_index", "value"),
            List.of("block_number", "log_index"),
            rows);
    DatasetEntry e = new DatasetEntry("transfers", ds.size(), ds.root(), ds.schemaHash());
    byte[] parentState = parent == null ? CvmBlockHeader.ZERO_HASH : parent.stateRoot();
    byte[] state =
        CvmBlockHeader.nextStateRoot(parentState, CvmBlockHeader.datasetsRoot(List.of(e)));
    byte[] sourceRoot =
        Keccak.hash(ByteBuffer.allocate(16).putLong(fromBlock).putLong(toBlock).array());
    CvmBlockHeader h =
        new CvmBlockHeader(
            height,
            parent == null ? CvmBlockHeader.ZERO_HASH : parent.hash(),
            new InputCommitment("eth", fromBlock, toBlock, sourceRoot),
            manuscriptHash,
            List.of(e),
            state,
            1_700_000_000L + toBlock * 12);
    built.put(key(manuscriptHash, height), h);
    return new CvmBlock(h, Map.of("transfers", ds));
  }

  private static String key(byte[] m, long h) {
    return java.util.HexFormat.of().formatHex(m) + "/" + h;
  }
}
