package io.cvmavs.cvm.sink;

import io.cvmavs.cvm.CvmException;

/** A sink could not take its rows: the database refused them, the file could not be written. */
public class SinkException extends CvmException {
  public SinkException(String message) {
    super(message);
  }

  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
