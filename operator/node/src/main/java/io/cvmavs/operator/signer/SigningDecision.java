package io.cvmavs.operator.signer;

import java.util.Optional;

/**
 * The slashing-protection rule, as a pure function of what was signed before (STYLE.md 6): sign a
 * task's response once; signing the very same response again is allowed (a re-send after a
 * restart); a different response to a task already signed is refused, because two signatures over
 * different responses get the operator slashed.
 */
public enum SigningDecision {
  /** Never signed this task: record, then sign. */
  SIGN_NEW,
  /** Already signed exactly this response: signing again reveals nothing new. */
  SIGN_REPEAT,
  /** Already signed a different response to this task: refuse. */
  REFUSE_CONFLICT;

  public static SigningDecision decide(
      Optional<SignedAttestation> previous, AttestationRequest request) {
    if (previous.isEmpty()) {
      return SIGN_NEW;
    }
    AttestationRequest before = previous.get().request();
    if (!before.sameTask(request)) {
      throw new IllegalArgumentException("previous record " + before + " is not for " + request);
    }
    return before.equals(request) ? SIGN_REPEAT : REFUSE_CONFLICT;
  }
}
