package io.cvmavs.chainbasedb.format;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The values an ordered index takes from a document: one per index field, read by dotted path
 * through embedded documents. A missing field counts as null. Indexable types: null, boolean,
 * int32, int64, double, string; any other type in an indexed field refuses the document.
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
                + "; ordered indexes take null, boolean, int32, int64, double, string");
      }
      out.add(v);
    }
    return out;
  }
}
