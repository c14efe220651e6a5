package io.cvmavs.chainbasedb.validate;

import io.cvmavs.chainbasedb.Db3Exception;

/**
 * A mutation refused by CheckTx or FinalizeBlock: a {@link RefusalCode}, the path of the field at
 * fault (e.g. {@code data.items[1].documents[3].age}) and a message. Nothing of a refused mutation
 * is applied.
 */
public final class Refusal extends Db3Exception {
  private final RefusalCode code;
  private final String field;

  public Refusal(RefusalCode code, String field, String message) {
    super(code + " (" + code.code() + ") at " + field + ": " + message);
    this.code = code;
    this.field = field;
  }

  public RefusalCode code() {
    return code;
  }

  public String field() {
    return field;
  }

  public String detail() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }
}
