package io.cvmavs.operator.chain;

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
}
