package io.cvmavs.operator.signer;

import io.cvmavs.operator.OperatorException;

/**
 * A signature was refused to protect the operator from slashing, or the protection record is
 * unusable.
 */
public class SlashingProtectionException extends OperatorException {
  private static final long serialVersionUID = 1L;

  public SlashingProtectionException(String message) {
    super(message);
  }

  public SlashingProtectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
