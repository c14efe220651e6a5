package io.cvmavs.cvm;

/**
 * Root of the cvm module's exceptions. Every subclass says what was refused and why; callers that
 * only need to report a failure catch this type.
 */
public class CvmException extends RuntimeException {
  public CvmException(String message) {
    super(message);
  }

  public CvmException(String message, Throwable cause) {
    super(message, cause);
  }
}
