package io.cvmavs.operator.aggregator;

/** A refused submission or request; carries the JSON-RPC error it is answered with. */
public final class AggregatorException extends RuntimeException {
  private final RpcError error;

  public AggregatorException(RpcError error, String message) {
    super(message);
    this.error = error;
  }

  public RpcError error() {
    return error;
  }
}
