package io.cvmavs.cvm.lake;

import io.cvmavs.cvm.CvmException;

/** A lakehouse table write or read refused or failed; the message names the table and partition. */
public class LakeException extends CvmException {
  public LakeException(String message) {
    super(message);
  }

  public LakeException(String message, Throwable cause) {
    super(message, cause);
  }
}
