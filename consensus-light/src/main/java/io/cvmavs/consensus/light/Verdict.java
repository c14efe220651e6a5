package io.cvmavs.consensus.light;

/** The light-client verdicts, as CometBFT's light-client specification names them. */
public enum Verdict {
  /** The untrusted header is verified; it becomes trusted. */
  SUCCESS,
  /**
   * Too little of the trusted validator set signed the header; verify an intermediate header first
   * (bisection).
   */
  NOT_ENOUGH_TRUST,
  /** The header is invalid, or the trusted state cannot vouch for anything (expired). */
  INVALID
}
