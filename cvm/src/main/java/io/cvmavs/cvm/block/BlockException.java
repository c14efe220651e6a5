package io.cvmavs.cvm.block;

import io.cvmavs.cvm.CvmException;

/**
 * A CVM block or record proof that is refused: wrong parent, unknown dataset, a proof that does not
 * verify.
 */
public class BlockException extends CvmException {
  public BlockException(String message) {
    super(message);
  }
}
