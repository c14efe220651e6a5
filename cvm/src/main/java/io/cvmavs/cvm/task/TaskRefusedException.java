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
    INPUT_MISMATCH
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
