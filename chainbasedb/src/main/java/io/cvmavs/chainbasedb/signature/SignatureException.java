package io.cvmavs.chainbasedb.signature;

import io.cvmavs.chainbasedb.Db3Exception;

/** A signature or public key that does not verify; {@link #field()} names the mutation field. */
public final class SignatureException extends Db3Exception {
  private final String field;

  public SignatureException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
