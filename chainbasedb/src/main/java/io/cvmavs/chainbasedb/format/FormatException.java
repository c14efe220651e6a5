package io.cvmavs.chainbasedb.format;

import io.cvmavs.chainbasedb.Db3Exception;

/**
 * A mutation (binary, JSON) or one of its fields does not follow the DB3 format. {@link #field()}
 * is the path of the offending field, e.g. {@code data.items[2].documents[0]}.
 */
public class FormatException extends Db3Exception {
  private final String field;

  public FormatException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
