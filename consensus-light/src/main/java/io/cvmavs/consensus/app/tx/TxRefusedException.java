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

  private final int code;

  public TxRefusedException(int code, String message) {
    super(message);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
