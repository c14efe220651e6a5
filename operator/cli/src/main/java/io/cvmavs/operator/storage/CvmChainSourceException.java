package io.cvmavs.operator.storage;

/** The CVM chain could not be read, or what it holds does not check out. */
public final class CvmChainSourceException extends RuntimeException {
  public CvmChainSourceException(String message) {
    super(message);
  }

  public CvmChainSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
