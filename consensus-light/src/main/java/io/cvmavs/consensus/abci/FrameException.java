package io.cvmavs.consensus.abci;

import java.io.IOException;

/**
 * A socket frame that cannot be read: bad length prefix, too large, truncated, or not a request.
 */
public final class FrameException extends IOException {
  private static final long serialVersionUID = 1L;

  public FrameException(String message) {
    super(message);
  }

  public FrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
