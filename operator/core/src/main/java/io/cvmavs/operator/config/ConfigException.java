package io.cvmavs.operator.config;

import io.cvmavs.operator.OperatorException;

/**
 * {@code operator.yaml} is missing, malformed, or has a field with a bad value; the message names
 * file and field.
 */
public class ConfigException extends OperatorException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
