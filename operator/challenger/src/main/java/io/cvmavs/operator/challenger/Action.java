package io.cvmavs.operator.challenger;

/**
 * One thing the challenger does about one fault, as persisted: first the intent (written before the
 * transaction is sent), then the request it raised, then how it ended.
 *
 * @param operatorId lower-case 0x operatorId; empty for a wrong landed response (all its signers)
 */
public record Action(
    Kind kind,
    long taskIndex,
    String operatorId,
    Status status,
    long requestId,
    long requestBlock,
    String detail) {

  public enum Kind {
    /** A landed response differs from the challenger's own result: {@code raiseChallenge}. */
    WRONG_RESULT,
    /** An operator signed a result that differs from the challenger's own: signature challenge. */
    WRONG_SIGNATURE,
    /** Two signatures of one operator over different responses: {@code slashEquivocation}. */
    EQUIVOCATION
  }

  public enum Status {
    /** Decided, transaction about to be sent (or sent and not yet recorded). */
    INTENT,
    /** The slashing request exists; waiting for the veto window to end. */
    RAISED,
    /** Slashing executed. */
    SLASHED,
    /** The veto committee vetoed the request (the bond went to the treasury). */
    VETOED,
    /** Given up (the chain refused and will keep refusing); {@code detail} says why. */
    FAILED
  }

  public String key() {
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + ":"
        + taskIndex
        + (operatorId.isEmpty() ? "" : ":" + operatorId);
  }

  Action with(Status s, long id, long block, String why) {
    return new Action(kind, taskIndex, operatorId, s, id, block, why);
  }

  public boolean finished() {
    return status == Status.SLASHED || status == Status.VETOED || status == Status.FAILED;
  }
}
