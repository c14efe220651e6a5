package io.cvmavs.storage.anchor;

/** A refused anchoring configuration; the message names the file and the field. */
public final class AnchorConfigException extends RuntimeException {
  public AnchorConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  public AnchorConfigException(String message) {
    super(message);
  }
}
