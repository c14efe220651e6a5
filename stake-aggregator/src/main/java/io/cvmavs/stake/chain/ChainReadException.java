package io.cvmavs.stake.chain;

import io.cvmavs.stake.StakeException;

/** Chain state could not be read (RPC failure, reverted call, undecodable return data). */
public final class ChainReadException extends StakeException {
  public ChainReadException(String message) {
    super(message);
  }

  public ChainReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
