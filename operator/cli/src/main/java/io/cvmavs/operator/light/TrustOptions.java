package io.cvmavs.operator.light;

import io.cvmavs.consensus.light.LightVerifier;
import picocli.CommandLine.Option;

/**
 * The trust options {@code light verify} and {@code light sync} share: trusting period, trust level
 * and clock drift, as typed ({@link LightVerifier.Options#parse} reads them).
 */
final class TrustOptions {
  @Option(
      names = "--trusting-period",
      required = true,
      paramLabel = "DURATION",
      description = "Go duration, e.g. 336h0m0s or 1400s.")
  String trustingPeriod;

  @Option(
      names = "--trust-level",
      paramLabel = "N/D",
      description = "Default 1/3; within [1/3, 1].")
  String trustLevel;

  @Option(names = "--max-clock-drift", paramLabel = "DURATION", description = "Default 10s.")
  String maxClockDrift;

  /**
   * @throws IllegalArgumentException naming the value that is wrong
   */
  LightVerifier.Options parse() {
    return LightVerifier.Options.parse(trustingPeriod, maxClockDrift, trustLevel);
  }
}
