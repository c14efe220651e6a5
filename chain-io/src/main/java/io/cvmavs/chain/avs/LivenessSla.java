package io.cvmavs.chain.avs;

/**
 * The task manager's liveness rule for one operator, as the chain publishes it ({@code
 * liveness(operatorId)}, {@code config().maxMissedResponses}, {@code responseCount()}): an operator
 * that is a non-signer of {@code maxMissedResponses} consecutive responses becomes ejectable. The
 * stored streak is current only while the operator's last miss is the latest response (signing the
 * next response resets it implicitly), so {@link #currentStreak()} is 0 otherwise.
 *
 * @param responsesSinceLastMiss responses after the operator's last miss (all responses if it never
 *     missed)
 */
public record LivenessSla(
    int currentStreak,
    int ejectionAt,
    long responses,
    long responsesSinceLastMiss,
    boolean ejectable) {

  public static LivenessSla of(
      TaskManagerReader.Liveness l, int maxMissedResponses, long responseCount) {
    boolean current = l.lastMissedResponse() != 0 && l.lastMissedResponse() == responseCount;
    long since =
        l.lastMissedResponse() == 0 ? responseCount : responseCount - l.lastMissedResponse();
    return new LivenessSla(
        current ? l.missedStreak() : 0, maxMissedResponses, responseCount, since, l.ejectable());
  }

  /** Misses in a row still allowed before ejection. */
  public int missesLeft() {
    return Math.max(0, ejectionAt - currentStreak);
  }

  /** One more consecutive miss makes the operator ejectable (and it has missed already). */
  public boolean warning() {
    return !ejectable && currentStreak > 0 && missesLeft() <= 1;
  }

  /** E.g. "missed 2 in a row, ejection at 3 (1 left); last miss 0 responses ago". */
  public String summary() {
    if (ejectable) {
      return "ejectable: missed " + ejectionAt + " responses in a row";
    }
    return "missed "
        + currentStreak
        + " in a row, ejection at "
        + ejectionAt
        + " ("
        + missesLeft()
        + " left)"
        + (responsesSinceLastMiss == responses
            ? "; never missed"
            : "; last miss " + responsesSinceLastMiss + " responses ago");
  }
}
