package io.cvmavs.consensus.rpc;

import java.io.IOException;

/**
 * A CometBFT RPC call that failed: transport, HTTP status, a JSON-RPC error, or an answer of the
 * wrong shape.
 */
public final class RpcException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The JSON-RPC error code, or 0 when the failure was not a JSON-RPC error. */
  private final int code;

  public RpcException(String message) {
    this(message, 0, null);
  }

  public RpcException(String message, int code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
