package io.cvmavs.cvm.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentStoreTest {
  @TempDir Path dir;

  /** Rows of blocks [from, to] shaped like the chain tables, two logs per block. */
  static Map<ChainTable, List<Object[]>> rows(long from, long to) {
    Map<ChainTable, List<Object[]>> out = new EnumMap<>(ChainTable.class);
    for (ChainTable t : ChainTable.values()) {
      out.put(t, new ArrayList<>());
    }
    for (long b = from; b <= to; b++) {
      LocalDateTime ts = LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(12 * b);
      Object[] block = new Object[ChainTable.BLOCKS.columns().size()];
      block[0] = b;
      block[1] = hash(b);
      block[2] = hash(b - 1);
      block[3] = ts;
      out.get(ChainTable.BLOCKS).add(block);
      for (long li = 0; li < 2; li++) {
        Object[] log = new Object[ChainTable.TRANSACTION_LOGS.columns().size()];
        log[0] = b;
        log[1] = ts;
        log[3] = hash(1000 + b);
        log[5] = li;
        log[6] = "0xtoken";
        log[7] = "0x" + "00".repeat(31) + "0" + li;
        out.get(ChainTable.TRANSACTION_LOGS).add(log);
      }
    }
    return out;
  }

  static String hash(long n) {
    return "0x" + HexFormat.of().toHexDigits(n).repeat(4);
  }

  private SegmentManifest write(SegmentStore store, long from, long to) {
    return store.write("test", from, to, hash(from - 1), hash(to), rows(from, to));
  }

  @Test
  void writesAndReadsBackRangesAcrossSegments() {
    SegmentStore store = new SegmentStore(dir);
    SegmentManifest m = write(store, 0, 9);
    write(store, 10, 19);
    assertThat(m.tables().get("transaction_logs").rows()).isEqualTo(20);
    assertThat(m.tables().get("transactions").rows()).isZero();
    assertThat(store.segments("test"))
        .extracting(SegmentManifest::fromBlock)
        .containsExactly(0L, 10L);
    List<Object[]> logs = store.read("test", ChainTable.TRANSACTION_LOGS, 5, 14);
    assertThat(logs).hasSize(20);
    assertThat(logs.get(0)).containsExactly(rows(5, 5).get(ChainTable.TRANSACTION_LOGS).get(0));
    assertThat((Long) logs.get(19)[0]).isEqualTo(14L);
  }

  @Test
  void commitmentOfARangeDoesNotDependOnSegmentation() {
    SegmentStore one = new SegmentStore(dir.resolve("one"));
    SegmentStore two = new SegmentStore(dir.resolve("two"));
    write(one, 0, 19);
    write(two, 0, 4);
    write(two, 5, 19);
    assertThat(one.commitment("test", 0, 19).root())
        .isEqualTo(two.commitment("test", 0, 19).root());
    assertThat(one.commitment("test", 3, 12).root())
        .isEqualTo(two.commitment("test", 3, 12).root());
    assertThat(one.commitment("test", 0, 19).root())
        .isNotEqualTo(one.commitment("test", 0, 18).root());
    // The manifest's root is the recomputed one.
    assertThat(one.segments("test").get(0).sourceRoot())
        .isEqualTo("0x" + HexFormat.of().formatHex(one.commitment("test", 0, 19).root()));
  }

  @Test
  void gapsAndMissingBlocks() {
    SegmentStore store = new SegmentStore(dir);
    write(store, 10, 19);
    write(store, 30, 39);
    assertThat(store.gaps("test", 0, 45))
        .containsExactly(new long[] {0, 9}, new long[] {20, 29}, new long[] {40, 45});
    assertThat(store.gaps("test", 12, 18)).isEmpty();
    assertThatThrownBy(() -> store.read("test", ChainTable.BLOCKS, 15, 32))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("blocks 20-32 of test are not ingested");
  }

  @Test
  void refusesOverlapsAndBrokenHashLinks() {
    SegmentStore store = new SegmentStore(dir);
    write(store, 0, 9);
    assertThatThrownBy(() -> write(store, 5, 14))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("overlaps the stored segment 0-9");
    assertThatThrownBy(() -> store.write("test", 10, 19, "0xother", hash(19), rows(10, 19)))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("reorganised below the stored range");
  }

  @Test
  void incompleteSegmentsAreInvisibleAndCleanedUp() throws IOException {
    SegmentStore store = new SegmentStore(dir);
    Path tmp = dir.resolve("test/segments/.tmp-000000000000-000000000009-x");
    Files.createDirectories(tmp);
    Files.writeString(tmp.resolve("blocks.seg"), "partial");
    Path noManifest = dir.resolve("test/segments/000000000010-000000000019");
    Files.createDirectories(noManifest);
    assertThat(store.segments("test")).isEmpty();
    store.removeIncomplete("test");
    assertThat(tmp).doesNotExist();
  }

  @Test
  void corruptSegmentFilesAreReported() throws IOException {
    SegmentStore store = new SegmentStore(dir);
    write(store, 0, 9);
    Files.writeString(dir.resolve("test/segments/000000000000-000000000009/blocks.seg"), "garbage");
    assertThatThrownBy(() -> store.read("test", ChainTable.BLOCKS, 0, 9))
        .isInstanceOf(IngestException.class)
        .hasMessageContaining("cannot read segment file");
  }

  @Test
  void aSegmentFileCutAnywhereIsRefusedNeverReadShort() throws IOException {
    SegmentStore store = new SegmentStore(dir);
    write(store, 0, 9);
    Path file = dir.resolve("test/segments/000000000000-000000000009/transaction_logs.seg");
    byte[] whole = Files.readAllBytes(file);
    assertThat(store.read("test", ChainTable.TRANSACTION_LOGS, 0, 9)).hasSize(20);
    for (int cut = 0; cut < whole.length; cut++) {
      Files.write(file, java.util.Arrays.copyOf(whole, cut));
      int at = cut;
      assertThatThrownBy(() -> store.read("test", ChainTable.TRANSACTION_LOGS, 0, 9))
          .as("file cut to %d of %d bytes", at, whole.length)
          .isInstanceOf(IngestException.class);
    }
    Files.write(file, whole);
    assertThat(store.read("test", ChainTable.TRANSACTION_LOGS, 0, 9)).hasSize(20);
  }
}
