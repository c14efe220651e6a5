package io.cvmavs.chain;

import io.cvmavs.chain.rpc.Transactor;

/**
 * A chain call or transaction failed: the RPC endpoint refused or did not answer, a transaction
 * reverted, or an answer could not be decoded. The message names the contract call.
 */
public class ChainException extends RuntimeException {
  public ChainException(String message) {
    super(message);
  }

  public ChainException(String message, Throwable cause) {
    super(message, cause);
  }

  /** A transaction was mined but reverted, or would revert (gas estimation refused it). */
  public static final class Reverted extends ChainException {
    private final boolean mined;

    /**
     * @param mined true if a transaction was mined and reverted (gas spent), false if the node's
     *     call or gas estimation refused it before anything was sent
     */
    public Reverted(String message, boolean mined) {
      super(message);
      this.mined = mined;
    }

    public boolean mined() {
      return mined;
    }
  }

  /**
   * A transaction was sent and has no receipt yet: it may still be mined. Callers must not send the
   * same action again until the account has no pending transaction ({@link
   * Transactor#hasPending()}), or they may act twice.
   */
  public static final class Pending extends ChainException {
    private final java.util.List<String> transactionHashes;

    public Pending(String message, java.util.List<String> transactionHashes) {
      super(message);
      this.transactionHashes = java.util.List.copyOf(transactionHashes);
    }

    public java.util.List<String> transactionHashes() {
      return transactionHashes;
    }
  }
}
