package io.cvmavs.cvm.manuscript;

/**
 * Maps an offset in a transform's SQL (as Flink sees it) back to the line and column in the
 * manuscript file, so SQL errors point into the file. Characters that came from a {@code ${param}}
 * map to the placeholder.
 */
public final class SqlMap {
  private final String file;
  private final int[] lines;
  private final int[] columns;

  SqlMap(String file, int[] lines, int[] columns) {
    this.file = file;
    this.lines = lines;
    this.columns = columns;
  }

  /** Every offset at {@code location} (when the file text is not known). */
  static SqlMap at(Location location, int length) {
    int[] l = new int[Math.max(1, length)];
    int[] c = new int[l.length];
    java.util.Arrays.fill(l, location.line());
    java.util.Arrays.fill(c, location.column());
    return new SqlMap(location.file(), l, c);
  }

  /** The file location of the SQL character at {@code offset} (clamped to the SQL). */
  public Location locate(int offset) {
    int i = Math.max(0, Math.min(offset, lines.length - 1));
    return new Location(file, lines[i], columns[i]);
  }

  /** The file location of a 1-based line and column of the SQL text. */
  public Location locate(String sql, int line, int column) {
    int offset = 0;
    for (int l = 1; l < line && offset < sql.length(); l++) {
      int nl = sql.indexOf('\n', offset);
      if (nl < 0) {
        break;
      }
      offset = nl + 1;
    }
    return locate(offset + Math.max(0, column - 1));
  }
}
