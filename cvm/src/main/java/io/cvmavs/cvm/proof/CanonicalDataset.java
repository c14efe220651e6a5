package io.cvmavs.cvm.proof;

import io.cvmavs.cvm.proof.CanonicalOrder.KeyedRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A dataset in canonical form: rows encoded with {@link CanonicalEncoding}, sorted by {@link
 * CanonicalOrder}, and the {@link DatasetMerkleTree} over them. The input order of the rows does
 * not matter; two engines that produce the same multiset of rows produce the same root.
 *
 * <p>With a primary key, two rows with the same key are refused: an attested dataset holds one
 * record per key (an upsert sink would otherwise keep whichever arrived last).
 */
public final class CanonicalDataset {
  /** Inputs at least this large are encoded and sorted on all cores. */
  static final int PARALLEL_THRESHOLD = 1 << 14;

  private final List<String> columns;
  private final List<String> primaryKey;
  private final List<Object[]> rows;
  private final List<byte[]> records;
  private final List<byte[]> keys;
  private final DatasetMerkleTree tree;

  private CanonicalDataset(
      List<String> columns,
      List<String> primaryKey,
      List<Object[]> rows,
      List<byte[]> records,
      List<byte[]> keys) {
    this.columns = columns;
    this.primaryKey = primaryKey;
    this.rows = rows;
    this.records = records;
    this.keys = keys;
    this.tree = DatasetMerkleTree.ofRecords(records);
  }

  /**
   * @param columns column names in schema order (each row has one value per column, in this order)
   * @param primaryKey key column names (empty: order by the full record)
   */
  public static CanonicalDataset of(
      List<String> columns, List<String> primaryKey, Iterable<Object[]> rows) {
    int[] keyIndexes = new int[primaryKey.size()];
    for (int k = 0; k < keyIndexes.length; k++) {
      keyIndexes[k] = columns.indexOf(primaryKey.get(k));
      if (keyIndexes[k] < 0) {
        throw new ProofException(
            "primary key column '" + primaryKey.get(k) + "' is not a column of " + columns);
      }
    }
    record Entry(KeyedRecord keyed, Object[] row) {}
    List<Object[]> input = new ArrayList<>();
    for (Object[] row : rows) {
      if (row.length != columns.size()) {
        throw new ProofException(
            "a row has "
                + row.length
                + " values but the schema has "
                + columns.size()
                + " columns");
      }
      input.add(row);
    }
    Entry[] array = new Entry[input.size()];
    IntStream range = IntStream.range(0, array.length);
    (array.length >= PARALLEL_THRESHOLD ? range.parallel() : range)
        .forEach(
            i -> {
              Object[] row = input.get(i);
              byte[] key =
                  keyIndexes.length == 0
                      ? new byte[0]
                      : CanonicalEncoding.encodeFields(row, keyIndexes);
              array[i] =
                  new Entry(new KeyedRecord(key, CanonicalEncoding.encode(row)), row.clone());
            });
    Comparator<Entry> order = (a, b) -> CanonicalOrder.KEYED.compare(a.keyed(), b.keyed());
    if (array.length >= PARALLEL_THRESHOLD) {
      Arrays.parallelSort(array, order);
    } else {
      Arrays.sort(array, order);
    }
    List<Entry> entries = Arrays.asList(array);
    List<Object[]> sortedRows = new ArrayList<>(entries.size());
    List<byte[]> records = new ArrayList<>(entries.size());
    List<byte[]> keys = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (keyIndexes.length > 0
          && i > 0
          && CanonicalOrder.BYTES.compare(e.keyed().key(), keys.get(i - 1)) == 0) {
        throw new ProofException(
            "two rows share the primary key "
                + primaryKey
                + " = 0x"
                + HexFormat.of().formatHex(e.keyed().key())
                + "; an attested dataset holds one record per key");
      }
      sortedRows.add(e.row());
      records.add(e.keyed().record());
      keys.add(e.keyed().key());
    }
    return new CanonicalDataset(
        List.copyOf(columns),
        List.copyOf(primaryKey),
        Collections.unmodifiableList(sortedRows),
        Collections.unmodifiableList(records),
        Collections.unmodifiableList(keys));
  }

  public List<String> columns() {
    return columns;
  }

  public List<String> primaryKey() {
    return primaryKey;
  }

  public int size() {
    return records.size();
  }

  /** Row {@code i} in canonical order (values in column order). */
  public Object[] row(int i) {
    return rows.get(i).clone();
  }

  /** Canonical record {@code i}: the leaf payload. */
  public byte[] record(int i) {
    return records.get(i).clone();
  }

  public byte[] root() {
    return tree.root();
  }

  public DatasetMerkleTree tree() {
    return tree;
  }

  public InclusionProof proof(int i) {
    return tree.proof(i);
  }

  /**
   * Position of the record with this primary key (values in key order), or -1. Needs a primary key.
   */
  public int indexOfKey(Object... keyValues) {
    if (primaryKey.isEmpty()) {
      throw new ProofException("the dataset has no primary key to look records up by");
    }
    if (keyValues.length != primaryKey.size()) {
      throw new ProofException(
          "expected "
              + primaryKey.size()
              + " key values "
              + primaryKey
              + ", got "
              + keyValues.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object v : keyValues) {
      out.writeBytes(CanonicalEncoding.encodeField(v));
    }
    int i = Collections.binarySearch(keys, out.toByteArray(), CanonicalOrder.BYTES);
    return i >= 0 ? i : -1;
  }

  /**
   * {@code keccak256} of the canonical encoding of the column names: commits to the schema's shape.
   */
  public byte[] schemaHash() {
    return Keccak.hash(CanonicalEncoding.encode(columns.toArray()));
  }
}
