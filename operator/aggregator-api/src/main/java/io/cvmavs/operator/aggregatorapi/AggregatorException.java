package io.cvmavs.operator.aggregatorapi;

import io.cvmavs.operator.OperatorException;

/** A refused submission or request; carries the JSON-RPC error it is answered with. */
public final class AggregatorException extends OperatorException {
  private final RpcError error;

  public AggregatorException(RpcError error, String message) {
    super(message);
    this.error = error;
  }

  public RpcError error() {
    return error;
  }
}
