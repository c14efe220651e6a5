package io.cvmavs.chainbasedb.query;

import io.cvmavs.chainbasedb.Db3Exception;

/** A query in the JSON form that cannot run: the field at fault and why. */
public final class QueryException extends Db3Exception {
  private final String field;

  public QueryException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
