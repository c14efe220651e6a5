package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.CvmException;

/**
 * A manuscript run failed: SQL that does not compile (naming the transform), a job failure, a sink
 * error.
 */
public class EngineException extends CvmException {
  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
