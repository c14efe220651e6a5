package io.cvmavs.storage.bench;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.storage.TestBlocks;
import io.cvmavs.storage.group.BlockGroup;
import io.cvmavs.storage.group.PayloadCodec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Packing throughput of one core: a ≈ 1 MiB group of 8 blocks × 800 transfers ({@link TestBlocks}).
 * {@code pack} = encode the blocks, zstd level 3, SHA-256 group hash, header; {@code packAndRoots}
 * adds the two chunk roots (Arweave data_root, audit root) that an upload needs; {@code unpack} =
 * parse, decompress, verify every block hash. Bytes/s = payload bytes ÷ time per op
 * (docs/BENCHMARKS.md "## storage-adapters").
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PackingBenchmark {
  List<CvmBlock> blocks;
  byte[] file;

  @Setup(Level.Trial)
  public void setUp() {
    blocks = TestBlocks.chain(8, 800, 42);
    BlockGroup g = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, blocks, List.of());
    file = g.bytes();
    long payload = g.header().payloadSize();
    System.out.printf(
        "%n[packing] payload %d bytes, file %d bytes (ratio %.2f), %d blocks%n",
        payload, file.length, (double) payload / file.length, blocks.size());
  }

  @Benchmark
  public byte[] pack() {
    return BlockGroup.pack(1, TestBlocks.MANUSCRIPT, blocks, List.of()).bytes();
  }

  @Benchmark
  public byte[] packAndRoots() {
    BlockGroup g = BlockGroup.pack(1, TestBlocks.MANUSCRIPT, blocks, List.of());
    g.dataRoot();
    return g.auditRoot();
  }

  @Benchmark
  public int encodeOnly() {
    int n = 0;
    for (CvmBlock b : blocks) {
      n += PayloadCodec.encodeBlock(b).length;
    }
    return n;
  }

  @Benchmark
  public int unpack() {
    return BlockGroup.parse(file).decode().blocks().size();
  }
}
