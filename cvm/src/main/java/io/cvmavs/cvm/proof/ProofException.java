package io.cvmavs.cvm.proof;

import io.cvmavs.cvm.CvmException;

/** A value that cannot be canonically encoded, or a proof that is malformed for its tree. */
public class ProofException extends CvmException {
  public ProofException(String message) {
    super(message);
  }
}
