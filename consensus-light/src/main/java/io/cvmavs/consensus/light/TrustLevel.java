package io.cvmavs.consensus.light;

/**
 * The fraction of a trusted validator set's power that must sign an untrusted header (1/3 ≤ level ≤
 * 1).
 */
public record TrustLevel(long numerator, long denominator) {
  public static final TrustLevel ONE_THIRD = new TrustLevel(1, 3);

  public TrustLevel {
    if (denominator <= 0
        || numerator <= 0
        || numerator > denominator
        || 3 * numerator < denominator) {
      throw new IllegalArgumentException(
          "trust level " + numerator + "/" + denominator + " must be within [1/3, 1]");
    }
  }

  /** Parses {@code N/D}. */
  public static TrustLevel parse(String text) {
    String[] parts = text.trim().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("trust level '" + text + "' is not of the form N/D");
    }
    try {
      return new TrustLevel(Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("trust level '" + text + "' is not of the form N/D", e);
    }
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
