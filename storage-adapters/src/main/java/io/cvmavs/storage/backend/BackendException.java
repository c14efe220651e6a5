package io.cvmavs.storage.backend;

/**
 * A backend failed or returned something that does not match a receipt. {@code retryable} tells the
 * outbox whether trying again later can help (the server is down) or not (the content is wrong).
 */
public final class BackendException extends RuntimeException {
  private final boolean retryable;

  public BackendException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public BackendException(String message, boolean retryable) {
    this(message, retryable, null);
  }

  public boolean retryable() {
    return retryable;
  }
}
