package io.cvmavs.chainbasedb.validate;

/**
 * Why CheckTx (or FinalizeBlock) refuses a mutation; {@link #code()} is the ABCI response code (0
 * is success and never used here).
 */
public enum RefusalCode {
  MALFORMED(1),
  UNSUPPORTED_VERSION(2),
  WRONG_CHAIN_ID(3),
  UNKNOWN_PAYMENT_CHAIN(4),
  UNKNOWN_MUTATION_TYPE(5),
  BAD_SIGNATURE(6),
  BAD_PUBLIC_KEY(7),
  BAD_IDENTITY(8),
  NONCE_REPLAYED(9),
  NONCE_GAP(10),
  NO_SUCH_DATABASE(11),
  NO_SUCH_COLLECTION(12),
  NO_SUCH_DOCUMENT(13),
  NOT_DATABASE_OWNER(14),
  NOT_DATABASE_MEMBER(15),
  NOT_DOCUMENT_OWNER(16),
  ALREADY_EXISTS(17),
  BAD_DOCUMENT(18),
  NOT_SUPPORTED(19);

  private final int code;

  RefusalCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
