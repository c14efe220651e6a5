package io.cvmavs.cvm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import java.time.LocalDateTime;
import java.util.Arrays;
import org.apache.flink.table.data.GenericRowData;
import org.junit.jupiter.api.Test;

class ReadSegmentPartTest {
  static final ChainTable.ColumnType[] TYPES =
      ChainTable.TRANSACTION_LOGS.columns().stream()
          .map(ChainTable.Column::type)
          .toArray(ChainTable.ColumnType[]::new);

  static Object[] log() {
    return new Object[] {
      7L,
      LocalDateTime.of(2024, 1, 1, 0, 0, 12, 345_678_000),
      "0xb1",
      "0xt\u00fcx",
      3L,
      4L,
      "0xaa",
      "0x01",
      "0xtopic0",
      null,
      "0xtopic2",
      null
    };
  }

  @Test
  void aStoredRecordBecomesTheRowOfItsValues() {
    GenericRowData row = ReadSegmentPart.toRow(CanonicalEncoding.encode(log()), TYPES, "f");
    assertThat(row.getLong(0)).isEqualTo(7L);
    assertThat(row.getTimestamp(1, 3).toLocalDateTime()).isEqualTo(log()[1]);
    assertThat(row.getString(3).toString()).isEqualTo("0xt\u00fcx");
    assertThat(row.getLong(5)).isEqualTo(4L);
    assertThat(row.isNullAt(9)).isTrue();
    assertThat(row.getString(10).toString()).isEqualTo("0xtopic2");
  }

  @Test
  void malformedRecordsAreRefusedNamingTheFile() {
    Object[] wrongType = log();
    wrongType[4] = "three";
    assertThatThrownBy(
            () -> ReadSegmentPart.toRow(CanonicalEncoding.encode(wrongType), TYPES, "seg.gz"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("seg.gz")
        .hasMessageContaining("field 4 has tag 0x5");
    byte[] good = CanonicalEncoding.encode(log());
    assertThatThrownBy(
            () -> ReadSegmentPart.toRow(Arrays.copyOf(good, good.length - 3), TYPES, "seg.gz"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(
            () -> ReadSegmentPart.toRow(Arrays.copyOf(good, good.length + 2), TYPES, "seg.gz"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("2 bytes after");
    assertThatThrownBy(
            () ->
                ReadSegmentPart.toRow(
                    CanonicalEncoding.encode(Arrays.copyOf(log(), 11)), TYPES, "seg.gz"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("11 fields");
  }
}
