package io.cvmavs.operator.node;

import io.cvmavs.operator.OperatorException;

/** The node could not compute, sign or deliver a response; the message says which task and why. */
public class NodeException extends OperatorException {
  public NodeException(String message) {
    super(message);
  }

  public NodeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Another node holds the data directory's lock: this one must not start. */
  public static final class DataDirectoryInUse extends NodeException {
    public DataDirectoryInUse(String message) {
      super(message);
    }
  }
}
