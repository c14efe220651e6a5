package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainTable;
import java.util.List;

/**
 * Where a run reads chain rows from: rows of {@code chain.table} with block_number in {@code [from,
 * to]}, values in the table's column order. {@link io.cvmavs.cvm.ingest.SegmentStore#read} is one.
 */
@FunctionalInterface
public interface ChainData {
  List<Object[]> rows(String chain, ChainTable table, long fromBlock, long toBlock);
}
