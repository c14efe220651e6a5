package io.cvmavs.cvm.ingest;

import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.cvm.proof.CanonicalEncoding;
import io.cvmavs.cvm.proof.DatasetMerkleTree;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The source data root of a block range: it commits to every row of every chain table in the range,
 * so operators can show they ran a manuscript on the same inputs.
 *
 * <pre>
 * tableRoot(t)  = dataset root of t's rows in the range, canonical order by t's primary key
 * sourceRoot    = dataset root over the records encode(tableName, rowCount, tableRoot)
 *                 for blocks, transactions, transaction_logs, token_transfers (in this order),
 *                 then contracts, trace_calls, token_metas when the range was ingested with traces
 * </pre>
 *
 * A range ingested without traces has the same root as before the traced tables existed.
 */
public record SourceCommitment(
    String chain,
    long fromBlock,
    long toBlock,
    Map<ChainTable, CanonicalDataset> tables,
    byte[] root) {

  public static SourceCommitment of(
      String chain, long fromBlock, long toBlock, Map<ChainTable, List<Object[]>> rows) {
    Map<ChainTable, CanonicalDataset> tables = new EnumMap<>(ChainTable.class);
    List<byte[]> leaves = new ArrayList<>();
    for (ChainTable t : ChainTable.values()) {
      if (!t.core() && !rows.containsKey(t)) {
        continue;
      }
      CanonicalDataset ds =
          CanonicalDataset.of(t.columnNames(), t.primaryKey(), rows.getOrDefault(t, List.of()));
      tables.put(t, ds);
      leaves.add(CanonicalEncoding.encode(t.tableName(), (long) ds.size(), ds.root()));
    }
    return new SourceCommitment(
        chain, fromBlock, toBlock, tables, DatasetMerkleTree.ofRecords(leaves).root());
  }

  @Override
  public byte[] root() {
    return root.clone();
  }
}
