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
}
