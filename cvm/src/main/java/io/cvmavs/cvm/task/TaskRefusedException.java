package io.cvmavs.cvm.task;

import io.cvmavs.cvm.CvmException;

/**
 * The CVM will not answer a task; {@link #reason()} says which kind of refusal it is and the
 * message which task and why. Whoever would sign the answer must not.
 */
public final class TaskRefusedException extends CvmException {
  /** Why a task was refused. */
  public enum Reason {
    /** The task names a manuscript this CVM is not configured with. */
    UNKNOWN_MANUSCRIPT,
    /**
     * The manuscript is configured but cannot be attested here: it does not parse, is
     * non-deterministic, has no dataset sink, or reads a dataset this CVM does not ingest.
     */
    UNRUNNABLE_MANUSCRIPT,
    /** The task's input commitment differs from this CVM's own for that block range. */
    INPUT_MISMATCH,
    /** The manuscript registry has no entry for the task's manuscript (and none is preloaded). */
    UNREGISTERED_MANUSCRIPT,
    /** The manuscript registry lists the task's manuscript as revoked. */
    REVOKED_MANUSCRIPT,
    /** The registered manuscript could not be fetched from its locator. */
    MANUSCRIPT_FETCH_FAILED,
    /** The fetched bytes do not hash to the registered manuscript hash or content hash. */
    MANUSCRIPT_HASH_MISMATCH
  }

  private final Reason reason;

  public TaskRefusedException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
