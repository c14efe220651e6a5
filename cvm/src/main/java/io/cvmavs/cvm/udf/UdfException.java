package io.cvmavs.cvm.udf;

import io.cvmavs.cvm.CvmException;

/**
 * A UDF argument that cannot be used: an ABI that does not parse, a type web3j cannot decode, a bad
 * number.
 */
public class UdfException extends CvmException {
  public UdfException(String message) {
    super(message);
  }

  public UdfException(String message, Throwable cause) {
    super(message, cause);
  }
}
