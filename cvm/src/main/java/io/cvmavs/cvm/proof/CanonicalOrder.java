package io.cvmavs.cvm.proof;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The canonical order of a dataset's records: by the canonical encoding of the primary-key columns
 * (in the order the key lists them), ties — and datasets without a key — by the full canonical
 * record; both compared as unsigned bytes, lexicographically, a shorter prefix first. The order is
 * a pure function of the records, never of how an engine happened to return them.
 */
public final class CanonicalOrder {
  /** Unsigned lexicographic comparison of byte strings. */
  public static final Comparator<byte[]> BYTES = Arrays::compareUnsigned;

  /** Orders {@link KeyedRecord}s by key, then by record. */
  public static final Comparator<KeyedRecord> KEYED =
      Comparator.comparing(KeyedRecord::key, BYTES).thenComparing(KeyedRecord::record, BYTES);

  private CanonicalOrder() {}

  /**
   * A canonical record with its sort key: the concatenated canonical fields of the primary-key
   * columns, or an empty key when the dataset has none.
   */
  public record KeyedRecord(byte[] key, byte[] record) {}
}
