package io.cvmavs.operator.aggregatorapi;

/**
 * The aggregator's JSON-RPC errors. Standard JSON-RPC 2.0 codes for malformed requests; one code
 * per refusal reason in the application range so operators (and their monitoring) can tell them
 * apart.
 */
public enum RpcError {
  PARSE_ERROR(-32700),
  INVALID_REQUEST(-32600),
  METHOD_NOT_FOUND(-32601),
  INVALID_PARAMS(-32602),
  INTERNAL_ERROR(-32603),
  UNKNOWN_TASK(4001),
  TASK_EXPIRED(4002),
  UNKNOWN_OPERATOR(4003),
  BAD_POINT(4004),
  BAD_SIGNATURE(4005),
  WRONG_RESPONSE(4006),
  DUPLICATE_SIGNATURE(4007),
  EQUIVOCATION(4008);

  public final int code;

  RpcError(int code) {
    this.code = code;
  }

  /** A refusal with this code and a message that says what was refused and why. */
  public AggregatorException error(String message) {
    return new AggregatorException(this, message);
  }
}
