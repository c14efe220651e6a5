package io.cvmavs.cvm.http;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filters and ordering of dataset records from query parameters: {@code col=value} (equal) or
 * {@code col[op]=value} with op one of {@code eq ne gt gte lt lte}, every condition must hold;
 * {@code order=col} or {@code order=-col} (descending). Values compare as numbers when the column
 * holds a number or both sides are decimal numbers (uint256 amounts are decimal strings), {@code
 * 0x} strings (addresses, hashes) case-insensitively, everything else as text. NULL matches only
 * {@code ne}.
 */
final class RecordQuery {
  /** Parameters that are not filters. */
  static final List<String> RESERVED = List.of("offset", "limit", "cursor", "order", "format");

  private static final Pattern FILTER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:\\[(\\w+)])?");

  enum Op {
    EQ,
    NE,
    GT,
    GTE,
    LT,
    LTE;

    boolean test(int c) {
      return switch (this) {
        case EQ -> c == 0;
        case NE -> c != 0;
        case GT -> c > 0;
        case GTE -> c >= 0;
        case LT -> c < 0;
        case LTE -> c <= 0;
      };
    }
  }

  record Condition(int column, Op op, String value) {}

  private final List<Condition> conditions;
  private final int orderColumn;
  private final boolean descending;

  private RecordQuery(List<Condition> conditions, int orderColumn, boolean descending) {
    this.conditions = conditions;
    this.orderColumn = orderColumn;
    this.descending = descending;
  }

  /** Parses the query parameters against the dataset's columns; a mistake is a 400 naming it. */
  static RecordQuery parse(List<Map.Entry<String, String>> params, List<String> columns) {
    List<Condition> conditions = new ArrayList<>();
    int order = -1;
    boolean desc = false;
    for (Map.Entry<String, String> p : params) {
      String key = p.getKey();
      if (key.equals("order")) {
        String col = p.getValue().startsWith("-") ? p.getValue().substring(1) : p.getValue();
        order = columns.indexOf(col);
        desc = p.getValue().startsWith("-");
        if (order < 0) {
          throw new HttpError(
              400, "invalid order", "order", "'" + col + "' is not a column " + columns);
        }
        continue;
      }
      if (RESERVED.contains(key)) {
        continue;
      }
      Matcher m = FILTER.matcher(key);
      if (!m.matches()) {
        throw new HttpError(
            400, "invalid filter", key, "expected column=value or column[op]=value");
      }
      int column = columns.indexOf(m.group(1));
      if (column < 0) {
        throw new HttpError(
            400, "unknown column", key, "'" + m.group(1) + "' is not a column " + columns);
      }
      Op op;
      try {
        op = m.group(2) == null ? Op.EQ : Op.valueOf(m.group(2).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new HttpError(
            400,
            "invalid filter",
            key,
            "unknown operator '" + m.group(2) + "' (use eq, ne, gt, gte, lt or lte)");
      }
      conditions.add(new Condition(column, op, p.getValue()));
    }
    return new RecordQuery(List.copyOf(conditions), order, desc);
  }

  boolean ordered() {
    return orderColumn >= 0;
  }

  boolean matches(Object[] row) {
    for (Condition c : conditions) {
      Object v = row[c.column()];
      if (v == null) {
        if (c.op() != Op.NE) {
          return false;
        }
        continue;
      }
      if (!c.op().test(compare(v, c.value()))) {
        return false;
      }
    }
    return true;
  }

  /** Orders rows by the order column (NULLs first ascending), for {@code rows} of a page scan. */
  Comparator<Object[]> comparator() {
    Comparator<Object[]> c =
        (a, b) -> {
          Object x = a[orderColumn];
          Object y = b[orderColumn];
          if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
          }
          return compare(x, text(y));
        };
    return descending ? c.reversed() : c;
  }

  static String text(Object v) {
    return v instanceof BigDecimal d ? d.toPlainString() : String.valueOf(v);
  }

  /** Compares a stored value with a query value. */
  static int compare(Object stored, String query) {
    if (stored instanceof Number n) {
      BigDecimal q = number(query);
      if (q == null) {
        return text(stored).compareTo(query);
      }
      return new BigDecimal(text(n)).compareTo(q);
    }
    String s = text(stored);
    BigDecimal a = number(s);
    BigDecimal b = number(query);
    if (a != null && b != null) {
      return a.compareTo(b);
    }
    if (s.startsWith("0x") || s.startsWith("0X")) {
      return s.toLowerCase(Locale.ROOT).compareTo(query.toLowerCase(Locale.ROOT));
    }
    return s.compareTo(query);
  }

  private static BigDecimal number(String s) {
    if (s.isEmpty() || s.length() > 100 || !s.matches("-?\\d+(\\.\\d+)?")) {
      return null;
    }
    return new BigDecimal(s);
  }
}
