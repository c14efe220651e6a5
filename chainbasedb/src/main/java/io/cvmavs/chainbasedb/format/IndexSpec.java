package io.cvmavs.chainbasedb.format;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A collection index as declared in CREATE_COLLECTION (docs/DB3-FORMAT.md §3.3): a name, a kind and
 * the document fields it covers (dotted paths). {@code vector_index} also has a dimension and a
 * metric ({@code cosine}, {@code dot}, {@code l2}) over one field; {@code graph_index} has two
 * fields, the edge's source and target document ids; {@code ordered_index} has 1–8 fields.
 */
public record IndexSpec(String name, Kind kind, List<String> fields, int dimension, String metric) {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,64}");
  static final Pattern FIELD_PATH =
      Pattern.compile("[A-Za-z0-9_]{1,64}(\\.[A-Za-z0-9_]{1,64}){0,7}");

  /** Index kinds, encoded as their lower-case names (Parquet ENUM). */
  public enum Kind {
    ORDERED_INDEX("ordered_index"),
    GRAPH_INDEX("graph_index"),
    VECTOR_INDEX("vector_index");

    private final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    static Kind parse(String s, String field) {
      for (Kind k : values()) {
        if (k.wire.equals(s)) {
          return k;
        }
      }
      throw new FormatException(
          field, "unknown index kind '" + s + "' (ordered_index, graph_index, vector_index)");
    }
  }

  public IndexSpec {
    fields = List.copyOf(fields);
    metric = metric == null ? "" : metric;
  }

  public static IndexSpec ordered(String name, String... fields) {
    return new IndexSpec(name, Kind.ORDERED_INDEX, List.of(fields), 0, "");
  }

  /**
   * Checks the name, kind-specific field count, dimension and metric; errors name {@code field}.
   */
  public void validate(String field) {
    if (!NAME.matcher(name).matches()) {
      throw new FormatException(
          field + ".name", "index name '" + name + "' is not [A-Za-z0-9_]{1,64}");
    }
    for (int i = 0; i < fields.size(); i++) {
      if (!FIELD_PATH.matcher(fields.get(i)).matches()) {
        throw new FormatException(
            field + ".fields[" + i + "]",
            "field path '" + fields.get(i) + "' is not dotted [A-Za-z0-9_] segments (at most 8)");
      }
    }
    if (fields.size() != fields.stream().distinct().count()) {
      throw new FormatException(field + ".fields", "a field is listed twice");
    }
    switch (kind) {
      case ORDERED_INDEX -> {
        if (fields.isEmpty() || fields.size() > 8) {
          throw new FormatException(field + ".fields", "an ordered_index has 1 to 8 fields");
        }
        if (dimension != 0 || !metric.isEmpty()) {
          throw new FormatException(field, "an ordered_index has no dimension or metric");
        }
      }
      case GRAPH_INDEX -> {
        if (fields.size() != 2) {
          throw new FormatException(
              field + ".fields", "a graph_index has 2 fields (edge source id, edge target id)");
        }
        if (dimension != 0 || !metric.isEmpty()) {
          throw new FormatException(field, "a graph_index has no dimension or metric");
        }
      }
      case VECTOR_INDEX -> {
        if (fields.size() != 1) {
          throw new FormatException(field + ".fields", "a vector_index has 1 field");
        }
        if (dimension < 1 || dimension > 4096) {
          throw new FormatException(field + ".dimension", "dimension is 1..4096, got " + dimension);
        }
        if (!List.of("cosine", "dot", "l2").contains(metric)) {
          throw new FormatException(
              field + ".metric", "metric is cosine, dot or l2, got '" + metric + "'");
        }
      }
    }
  }

  public void write(Plain.Writer w) {
    w.string(name)
        .string(kind.wire)
        .list(fields, Plain.Writer::string)
        .u32(dimension)
        .string(metric);
  }

  public static IndexSpec read(Plain.Reader r, String field) {
    String name = r.string(field + ".name", 256);
    Kind kind = Kind.parse(r.string(field + ".kind", 64), field + ".kind");
    List<String> fields = r.list(field + ".fields", 8, f -> r.string(f, 600));
    long dim = r.u32(field + ".dimension");
    String metric = r.string(field + ".metric", 16);
    IndexSpec spec =
        new IndexSpec(name, kind, fields, (int) Math.min(dim, Integer.MAX_VALUE), metric);
    spec.validate(field);
    return spec;
  }
}
