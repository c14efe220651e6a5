package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainTable;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.data.binary.BinaryStringData;
import org.apache.flink.util.Collector;

/**
 * A Flink task that reads one stored segment file (path, first and last block to keep, the file's
 * row count) into rows, so source data is read by the parallel tasks from the filesystem instead of
 * travelling inside the job.
 *
 * <p>Rows are Flink's internal {@link RowData}, built straight from the canonical records: a STRING
 * field's bytes are already UTF-8 and become a {@link BinaryStringData} over the record without
 * being decoded to a Java string and encoded again; TIMESTAMP micros become {@link TimestampData}
 * exactly as the {@code LocalDateTime} of {@code CanonicalDecoding} would.
 */
final class ReadSegmentPart implements FlatMapFunction<Tuple4<String, Long, Long, Long>, RowData> {
  private final ChainTable.ColumnType[] types;

  ReadSegmentPart(List<ChainTable.ColumnType> types) {
    this.types = types.toArray(ChainTable.ColumnType[]::new);
  }

  @Override
  public void flatMap(Tuple4<String, Long, Long, Long> part, Collector<RowData> out) {
    SegmentStore.readPartRecords(
        new SegmentStore.SegmentPart(part.f0, part.f1, part.f2, part.f3),
        record -> out.collect(toRow(record, types, part.f0)));
  }

  /** One canonical record of a chain table as a row of its columns. */
  static GenericRowData toRow(byte[] record, ChainTable.ColumnType[] types, String file) {
    int n = int32(record, 0, file);
    if (n != types.length) {
      throw new EngineException(
          "segment file " + file + ": a record has " + n + " fields, the table " + types.length);
    }
    GenericRowData row = new GenericRowData(n);
    int at = 4;
    for (int f = 0; f < n; f++) {
      if (at >= record.length) {
        throw truncated(file);
      }
      byte tag = record[at++];
      if (tag == CanonicalEncoding.NULL) {
        continue;
      }
      switch (types[f]) {
        case BIGINT -> {
          expect(tag, CanonicalEncoding.INTEGER, f, file);
          row.setField(f, int64(record, at, file));
          at += 8;
        }
        case TIMESTAMP -> {
          expect(tag, CanonicalEncoding.TIMESTAMP, f, file);
          long micros = int64(record, at, file);
          at += 8;
          row.setField(
              f,
              TimestampData.fromEpochMillis(
                  Math.floorDiv(micros, 1000L), (int) Math.floorMod(micros, 1000L) * 1000));
        }
        case STRING -> {
          expect(tag, CanonicalEncoding.STRING, f, file);
          int len = int32(record, at, file);
          at += 4;
          if (len < 0 || len > record.length - at) {
            throw truncated(file);
          }
          row.setField(f, BinaryStringData.fromBytes(record, at, len));
          at += len;
        }
      }
    }
    if (at != record.length) {
      throw new EngineException(
          "segment file " + file + ": " + (record.length - at) + " bytes after a record's fields");
    }
    return row;
  }

  private static void expect(byte tag, byte wanted, int field, String file) {
    if (tag != wanted) {
      throw new EngineException(
          "segment file "
              + file
              + ": field "
              + field
              + " has tag 0x"
              + Integer.toHexString(tag & 0xff)
              + ", its column wants 0x"
              + Integer.toHexString(wanted));
    }
  }

  private static int int32(byte[] b, int at, String file) {
    if (at + 4 > b.length) {
      throw truncated(file);
    }
    return ((b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  private static long int64(byte[] b, int at, String file) {
    if (at + 8 > b.length) {
      throw truncated(file);
    }
    long v = 0;
    for (int i = at; i < at + 8; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  private static EngineException truncated(String file) {
    return new EngineException("segment file " + file + ": a record is truncated");
  }
}
