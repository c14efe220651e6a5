package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.SegmentStore;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.types.Row;
import org.apache.flink.util.Collector;

/**
 * A Flink task that reads one stored segment file (path, first and last block to keep, the file's
 * row count) into rows, so source data is read by the parallel tasks from the filesystem instead of
 * travelling inside the job.
 */
final class ReadSegmentPart implements FlatMapFunction<Tuple4<String, Long, Long, Long>, Row> {
  @Override
  public void flatMap(Tuple4<String, Long, Long, Long> part, Collector<Row> out) {
    SegmentStore.readPart(
        new SegmentStore.SegmentPart(part.f0, part.f1, part.f2, part.f3),
        row -> out.collect(Row.of(row)));
  }
}
