package io.cvmavs.consensus.driver;

/**
 * What one round of one height came to.
 *
 * @param proposer the proposer's address (upper-case hex)
 * @param detail why a round failed (empty when it committed)
 */
public record RoundRecord(long height, int round, String proposer, Outcome outcome, String detail) {
  /** How a round ended. */
  public enum Outcome {
    /** More than 2/3 of the power precommitted the proposal: the block is decided. */
    COMMITTED,
    /** The proposer is down or did not answer PrepareProposal in time (timeout propose). */
    PROPOSER_UNAVAILABLE,
    /** The proposer's block breaks CometBFT's own rules (e.g. transactions over the byte limit). */
    PROPOSAL_INVALID,
    /** At least 1/3 of the power rejected the proposal in ProcessProposal or did not answer. */
    REJECTED,
    /** Prevotes passed 2/3 but precommits with valid vote extensions did not. */
    NO_COMMIT
  }
}
