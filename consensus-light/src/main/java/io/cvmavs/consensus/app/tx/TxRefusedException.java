package io.cvmavs.consensus.app.tx;

import io.cvmavs.consensus.app.model.AppException;

/**
 * A transaction or vote extension was refused: {@link #code()} is the ABCI result code, the message
 * names the field and the reason.
 */
public final class TxRefusedException extends AppException {
  /** Bytes that are not a {@code TxEnvelope} / {@code VoteExtension}, or a missing/bad field. */
  public static final int MALFORMED = 1;

  /** A version or transaction kind this application does not know. */
  public static final int UNKNOWN = 2;

  /** Well-formed, but not valid against the state (signatures, heights, roots, order). */
  public static final int INVALID = 3;

  /** Only a block proposer may include this kind; the mempool refuses it. */
  public static final int PROPOSER_ONLY = 4;

  /**
   * A refused {@code Db3Mutation}: its code is this plus the chainbasedb {@code RefusalCode} (101
   * MALFORMED … 119 NOT_SUPPORTED; docs/DB3-FORMAT.md §8), with codespace {@link #DB3_CODESPACE}.
   */
  public static final int DB3_BASE = 100;

  /** The ABCI codespace of DB3 refusals. */
  public static final String DB3_CODESPACE = "db3";

  private final int code;

  public TxRefusedException(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
