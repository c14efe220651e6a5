package io.cvmavs.cvm.ingest;

import io.cvmavs.cvm.CvmException;

/**
 * Ingestion refused or failed: RPC gave up after retries, a reorg below the stored range, a corrupt
 * segment.
 */
public class IngestException extends CvmException {
  public IngestException(String message) {
    super(message);
  }

  public IngestException(String message, Throwable cause) {
    super(message, cause);
  }
}
