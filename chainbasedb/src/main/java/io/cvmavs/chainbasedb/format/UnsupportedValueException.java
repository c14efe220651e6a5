package io.cvmavs.chainbasedb.format;

/**
 * A well-formed field whose value this node does not know: a version, payment chain or mutation
 * type.
 */
public final class UnsupportedValueException extends FormatException {
  public UnsupportedValueException(String field, String message) {
    super(field, message);
  }
}
