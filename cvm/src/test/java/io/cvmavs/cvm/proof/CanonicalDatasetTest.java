package io.cvmavs.cvm.proof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanonicalDatasetTest {
  private static final List<String> COLUMNS = List.of("transaction_hash", "log_index", "value");

  static List<Object[]> rows(int n) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new Object[] {"0x" + Integer.toHexString(i % 7), (long) i, String.valueOf(i * 31)});
    }
    return rows;
  }

  @Test
  void rootDoesNotDependOnInputOrder() {
    List<Object[]> rows = rows(50);
    byte[] root =
        CanonicalDataset.of(COLUMNS, List.of("transaction_hash", "log_index"), rows).root();
    Random random = new Random(7);
    for (int shuffle = 0; shuffle < 5; shuffle++) {
      List<Object[]> copy = new ArrayList<>(rows);
      Collections.shuffle(copy, random);
      assertThat(
              CanonicalDataset.of(COLUMNS, List.of("transaction_hash", "log_index"), copy).root())
          .isEqualTo(root);
      assertThat(CanonicalDataset.of(COLUMNS, List.of(), copy).root())
          .isEqualTo(CanonicalDataset.of(COLUMNS, List.of(), rows).root());
    }
  }

  @Test
  void ordersByKeyBytesThenRecord() {
    List<Object[]> rows =
        List.of(
            new Object[] {"0xb", 1L, "x"},
            new Object[] {"0xa", 2L, "y"},
            new Object[] {"0xa", 1L, "z"});
    CanonicalDataset ds =
        CanonicalDataset.of(COLUMNS, List.of("transaction_hash", "log_index"), rows);
    assertThat(ds.row(0)).containsExactly("0xa", 1L, "z");
    assertThat(ds.row(1)).containsExactly("0xa", 2L, "y");
    assertThat(ds.row(2)).containsExactly("0xb", 1L, "x");
    assertThat(ds.indexOfKey("0xa", 2L)).isEqualTo(1);
    assertThat(ds.indexOfKey("0xc", 2L)).isEqualTo(-1);
    int i = ds.indexOfKey("0xb", 1L);
    assertThat(ds.proof(i).verifyRecord(ds.root(), ds.record(i))).isTrue();
    assertThat(ds.proof(i).verifyRecord(ds.root(), CanonicalEncoding.encode("0xb", 1L, "tampered")))
        .isFalse();
  }

  @Test
  void duplicatePrimaryKeysAreRefused() {
    List<Object[]> rows = List.of(new Object[] {"0xa", 1L, "x"}, new Object[] {"0xa", 1L, "y"});
    assertThatThrownBy(
            () -> CanonicalDataset.of(COLUMNS, List.of("transaction_hash", "log_index"), rows))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("share the primary key");
  }

  @Test
  void unknownKeyColumnsAndRaggedRowsAreRefused() {
    assertThatThrownBy(() -> CanonicalDataset.of(COLUMNS, List.of("nope"), rows(1)))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(
            () -> CanonicalDataset.of(COLUMNS, List.of(), List.<Object[]>of(new Object[] {"a"})))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("1 values");
  }

  @Test
  void schemaHashCommitsToColumnNames() {
    assertThat(CanonicalDataset.of(COLUMNS, List.of(), List.of()).schemaHash())
        .isNotEqualTo(
            CanonicalDataset.of(List.of("a", "b", "c"), List.of(), List.of()).schemaHash());
    assertThat(CanonicalDataset.of(COLUMNS, List.of(), List.of()).root())
        .isEqualTo(DatasetMerkleTree.EMPTY_ROOT);
  }

  /** Rows of every canonical type, NULLs included, some sharing key prefixes. */
  static List<Object[]> mixedRows(int n, long seed) {
    Random r = new Random(seed);
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(
          new Object[] {
            "k" + r.nextInt(n / 4 + 1),
            (long) i,
            r.nextInt(5) == 0
                ? null
                : new java.math.BigDecimal(r.nextInt(100000)).movePointLeft(r.nextInt(6)),
            r.nextBoolean() ? -0.0 : r.nextGaussian(),
            r.nextInt(4) == 0
                ? null
                : java.time.LocalDateTime.of(2024, 1, 1, 0, 0)
                    .plusNanos(r.nextLong(1L << 50) * 1000),
            r.nextBoolean(),
            new byte[] {(byte) r.nextInt(), (byte) i},
            java.time.LocalDate.ofEpochDay(r.nextInt(20000)),
            "ü" + r.nextInt(9)
          });
    }
    return rows;
  }

  @Test
  void fromEncodedRecordsIsTheSameDatasetAsFromRows() {
    List<String> columns = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i");
    for (int n : new int[] {0, 1, 500, CanonicalDataset.PARALLEL_THRESHOLD + 3}) {
      List<Object[]> rows = mixedRows(n, n);
      List<byte[]> records = new ArrayList<>();
      for (Object[] row : rows) {
        records.add(CanonicalEncoding.encode(row));
      }
      for (List<String> key :
          List.of(List.<String>of(), List.of("b"), List.of("a", "b"), List.of("i", "b", "c"))) {
        CanonicalDataset fromRows = CanonicalDataset.of(columns, key, rows);
        CanonicalDataset fromRecords = CanonicalDataset.ofRecords(columns, key, records);
        assertThat(fromRecords.root()).as("n=%d key=%s", n, key).isEqualTo(fromRows.root());
        for (int i = 0; i < n; i += Math.max(1, n / 50)) {
          assertThat(fromRecords.record(i)).isEqualTo(fromRows.record(i));
          assertThat(CanonicalEncoding.encode(fromRecords.row(i)))
              .isEqualTo(CanonicalEncoding.encode(fromRows.row(i)));
          if (!key.isEmpty()) {
            Object[] row = fromRows.row(i);
            Object[] keyValues = key.stream().map(k -> row[columns.indexOf(k)]).toArray();
            assertThat(fromRecords.indexOfKey(keyValues)).isEqualTo(i);
          }
        }
      }
    }
  }

  @Test
  void malformedOrMisshapedRecordsAreRefused() {
    List<String> columns = List.of("a", "b");
    byte[] good = CanonicalEncoding.encode("x", 1L);
    assertThatThrownBy(() -> CanonicalDataset.ofRecords(List.of("a"), List.of("a"), List.of(good)))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("2 values but the schema has 1 columns");
    assertThatThrownBy(
            () ->
                CanonicalDataset.ofRecords(
                    columns, List.of("a"), List.of(java.util.Arrays.copyOf(good, good.length - 1))))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("does not end after its last field");
    byte[] badTag = good.clone();
    badTag[4] = 0x7f;
    assertThatThrownBy(() -> CanonicalDataset.ofRecords(columns, List.of("a"), List.of(badTag)))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("unknown tag 0x7f");
    assertThatThrownBy(
            () -> CanonicalDataset.ofRecords(columns, List.of("a"), List.of(good, good.clone())))
        .isInstanceOf(ProofException.class)
        .hasMessageContaining("share the primary key");
  }
}
