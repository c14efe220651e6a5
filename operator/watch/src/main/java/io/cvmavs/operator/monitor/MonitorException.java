package io.cvmavs.operator.monitor;

import io.cvmavs.operator.OperatorException;

/**
 * The monitor could not do what was asked: its configuration is invalid (the message names the file
 * and field), its state file is unreadable, or a chain answer could not be decoded (the message
 * names the event or transaction).
 */
public class MonitorException extends OperatorException {
  private static final long serialVersionUID = 1L;

  public MonitorException(String message) {
    super(message);
  }

  public MonitorException(String message, Throwable cause) {
    super(message, cause);
  }
}
