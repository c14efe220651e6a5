package io.cvmavs.chainbasedb.format;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The values an index takes from a document, read by dotted path through embedded documents. A
 * missing field counts as null.
 *
 * <ul>
 *   <li>ordered and graph indexes ({@link #of}): one scalar per field; indexable types: null,
 *       boolean, int32, int64, double, string; any other type refuses the document;
 *   <li>vector indexes ({@link #vector}): null / missing (not indexed) or an array of exactly
 *       {@code dimension} numbers (int32, int64, double) that are finite as 32-bit floats; for
 *       {@code cosine} not all zero.
 * </ul>
 */
public final class IndexValues {
  private IndexValues() {}

  public static BsonValue get(BsonDocument doc, String path) {
    BsonValue cur = doc;
    for (String seg : path.split("\\.")) {
      if (!(cur instanceof BsonDocument d) || !d.containsKey(seg)) {
        return BsonNull.VALUE;
      }
      cur = d.get(seg);
    }
    return cur;
  }

  public static boolean indexable(BsonValue v) {
    BsonType t = v.getBsonType();
    return t == BsonType.NULL
        || t == BsonType.BOOLEAN
        || t == BsonType.INT32
        || t == BsonType.INT64
        || t == BsonType.DOUBLE
        || t == BsonType.STRING;
  }

  /**
   * The index's values for {@code doc}.
   *
   * @throws FormatException naming {@code field} and the path when a value is not indexable
   */
  public static List<BsonValue> of(IndexSpec spec, BsonDocument doc, String field) {
    List<BsonValue> out = new ArrayList<>(spec.fields().size());
    for (String path : spec.fields()) {
      BsonValue v = get(doc, path);
      if (!indexable(v)) {
        throw new FormatException(
            field + "." + path,
            "indexed by '"
                + spec.name()
                + "' but has type "
                + v.getBsonType()
                + "; ordered and graph indexes take null, boolean, int32, int64, double, string");
      }
      out.add(v);
    }
    return out;
  }

  /** Largest magnitude accepted in a vector component (keeps dot products and sums finite). */
  public static final double MAX_VECTOR_COMPONENT = 1e15;

  /**
   * The vector a {@code vector_index} takes from {@code doc}, or null when the field is missing or
   * null (the document is then not in the index).
   *
   * @throws FormatException naming {@code field}, the path and the element at fault
   */
  public static float[] vector(IndexSpec spec, BsonDocument doc, String field) {
    String path = spec.fields().get(0);
    BsonValue v = get(doc, path);
    String f = field + "." + path;
    if (v.getBsonType() == BsonType.NULL) {
      return null;
    }
    if (!(v instanceof BsonArray a)) {
      throw new FormatException(
          f,
          "indexed by vector_index '"
              + spec.name()
              + "' but has type "
              + v.getBsonType()
              + "; give an array of "
              + spec.dimension()
              + " numbers (or null)");
    }
    if (a.size() != spec.dimension()) {
      throw new FormatException(
          f,
          "has "
              + a.size()
              + " elements; vector_index '"
              + spec.name()
              + "' has dimension "
              + spec.dimension());
    }
    float[] out = new float[a.size()];
    boolean allZero = true;
    for (int i = 0; i < out.length; i++) {
      BsonValue e = a.get(i);
      double d =
          switch (e.getBsonType()) {
            case INT32 -> e.asInt32().getValue();
            case INT64 -> e.asInt64().getValue();
            case DOUBLE -> e.asDouble().getValue();
            default ->
                throw new FormatException(
                    f + "[" + i + "]", "is " + e.getBsonType() + ", a vector holds numbers only");
          };
      if (!Double.isFinite(d) || Math.abs(d) > MAX_VECTOR_COMPONENT) {
        throw new FormatException(
            f + "[" + i + "]", "is " + d + "; vector components are finite, |x| <= 1e15");
      }
      out[i] = (float) d;
      allZero &= out[i] == 0f;
    }
    if (allZero && spec.metric().equals("cosine")) {
      throw new FormatException(f, "is all zeros, which has no direction (metric cosine)");
    }
    return out;
  }

  /**
   * Checks that {@code doc} can be indexed by every index of {@code specs}.
   *
   * @throws FormatException naming the field at fault
   */
  public static void check(List<IndexSpec> specs, BsonDocument doc, String field) {
    for (IndexSpec s : specs) {
      if (s.kind() == IndexSpec.Kind.VECTOR_INDEX) {
        vector(s, doc, field);
      } else {
        of(s, doc, field);
      }
    }
  }
}
