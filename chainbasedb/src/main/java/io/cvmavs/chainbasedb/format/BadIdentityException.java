package io.cvmavs.chainbasedb.format;

/** An identity string that is not {@code <kind>:<chain>:<address>}, or of the wrong kind. */
public final class BadIdentityException extends FormatException {
  public BadIdentityException(String field, String message) {
    super(field, message);
  }
}
