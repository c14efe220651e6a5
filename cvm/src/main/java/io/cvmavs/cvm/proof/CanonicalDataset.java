package io.cvmavs.cvm.proof;

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
  private final List<Object[]> rows; // null entries: decoded from the record on demand
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
    int[] keyIndexes = keyIndexes(columns, primaryKey);
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
              array[i] = new Entry(key, CanonicalEncoding.encode(row), row.clone());
            });
    return sorted(columns, primaryKey, array);
  }

  /**
   * The same dataset as {@link #of} over the decoded {@code records}, from records already in
   * canonical encoding (as an engine's tasks write them): nothing is decoded or re-encoded, the
   * sort keys are the key fields' bytes cut out of each record, and {@link #row} decodes on demand.
   *
   * @throws ProofException when a record is malformed or its field count is not the schema's
   */
  public static CanonicalDataset ofRecords(
      List<String> columns, List<String> primaryKey, List<byte[]> records) {
    int[] keyIndexes = keyIndexes(columns, primaryKey);
    Entry[] array = new Entry[records.size()];
    IntStream range = IntStream.range(0, array.length);
    (array.length >= PARALLEL_THRESHOLD ? range.parallel() : range)
        .forEach(
            i -> {
              byte[] record = records.get(i);
              array[i] = new Entry(keyOf(record, columns.size(), keyIndexes), record, null);
            });
    return sorted(columns, primaryKey, array);
  }

  private record Entry(byte[] key, byte[] record, Object[] row) {}

  private static int[] keyIndexes(List<String> columns, List<String> primaryKey) {
    int[] keyIndexes = new int[primaryKey.size()];
    for (int k = 0; k < keyIndexes.length; k++) {
      keyIndexes[k] = columns.indexOf(primaryKey.get(k));
      if (keyIndexes[k] < 0) {
        throw new ProofException(
            "primary key column '" + primaryKey.get(k) + "' is not a column of " + columns);
      }
    }
    return keyIndexes;
  }

  /**
   * The concatenated canonical fields {@code keyIndexes} of an encoded record: byte for byte what
   * {@link CanonicalEncoding#encodeFields} gives for the decoded values.
   */
  static byte[] keyOf(byte[] record, int fieldCount, int[] keyIndexes) {
    if (record.length < 4) {
      throw new ProofException("record is truncated (" + record.length + " bytes)");
    }
    int n =
        ((record[0] & 0xff) << 24)
            | ((record[1] & 0xff) << 16)
            | ((record[2] & 0xff) << 8)
            | (record[3] & 0xff);
    if (n != fieldCount) {
      throw new ProofException(
          "a row has " + n + " values but the schema has " + fieldCount + " columns");
    }
    int[] start = new int[n + 1];
    int at = 4;
    for (int f = 0; f < n; f++) {
      start[f] = at;
      if (at >= record.length) {
        throw new ProofException("record is truncated (" + record.length + " bytes)");
      }
      byte tag = record[at++];
      at +=
          switch (tag) {
            case CanonicalEncoding.NULL -> 0;
            case CanonicalEncoding.BOOLEAN -> 1;
            case CanonicalEncoding.INTEGER,
                CanonicalEncoding.DOUBLE,
                CanonicalEncoding.TIMESTAMP,
                CanonicalEncoding.DATE ->
                8;
            case CanonicalEncoding.DECIMAL, CanonicalEncoding.STRING, CanonicalEncoding.BYTES -> {
              if (at + 4 > record.length) {
                throw new ProofException("record is truncated (" + record.length + " bytes)");
              }
              int len =
                  ((record[at] & 0xff) << 24)
                      | ((record[at + 1] & 0xff) << 16)
                      | ((record[at + 2] & 0xff) << 8)
                      | (record[at + 3] & 0xff);
              if (len < 0) {
                throw new ProofException("field " + f + " claims " + len + " bytes");
              }
              yield 4 + len;
            }
            default ->
                throw new ProofException(
                    "field " + f + " has unknown tag 0x" + Integer.toHexString(tag & 0xff));
          };
    }
    if (at != record.length) {
      throw new ProofException(
          "record of " + record.length + " bytes does not end after its last field (" + at + ")");
    }
    start[n] = at;
    int size = 0;
    for (int k : keyIndexes) {
      size += start[k + 1] - start[k];
    }
    byte[] key = new byte[size];
    int pos = 0;
    for (int k : keyIndexes) {
      int len = start[k + 1] - start[k];
      System.arraycopy(record, start[k], key, pos, len);
      pos += len;
    }
    return key;
  }

  private static CanonicalDataset sorted(
      List<String> columns, List<String> primaryKey, Entry[] array) {
    Comparator<Entry> order =
        (a, b) -> {
          int c = Arrays.compareUnsigned(a.key(), b.key());
          return c != 0 ? c : Arrays.compareUnsigned(a.record(), b.record());
        };
    if (array.length >= PARALLEL_THRESHOLD) {
      Arrays.parallelSort(array, order);
    } else {
      Arrays.sort(array, order);
    }
    boolean keyed = !primaryKey.isEmpty();
    List<Object[]> sortedRows = new ArrayList<>(array.length);
    List<byte[]> records = new ArrayList<>(array.length);
    List<byte[]> keys = new ArrayList<>(array.length);
    for (int i = 0; i < array.length; i++) {
      Entry e = array[i];
      if (keyed && i > 0 && Arrays.compareUnsigned(e.key(), array[i - 1].key()) == 0) {
        throw new ProofException(
            "two rows share the primary key "
                + primaryKey
                + " = 0x"
                + HexFormat.of().formatHex(e.key())
                + "; an attested dataset holds one record per key");
      }
      sortedRows.add(e.row());
      records.add(e.record());
      keys.add(e.key());
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
    Object[] row = rows.get(i);
    return row == null ? CanonicalDecoding.decode(records.get(i)) : row.clone();
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
