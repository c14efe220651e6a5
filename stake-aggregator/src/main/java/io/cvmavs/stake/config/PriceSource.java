package io.cvmavs.stake.config;

import io.cvmavs.stake.StakeConfigException;
import java.math.BigInteger;

/**
 * Where a conversion rate comes from: a fixed value from the configuration, or a Chainlink
 * AggregatorV3-compatible feed ({@code latestRoundData()}, {@code decimals()}) read at the same
 * block as the stake.
 */
public sealed interface PriceSource {
  /** A fixed rate, WAD-scaled (1e18 = 1). */
  record Fixed(BigInteger wad) implements PriceSource {
    public Fixed {
      if (wad.signum() <= 0) {
        throw new StakeConfigException("a fixed rate must be positive, got " + wad + " (WAD)");
      }
    }
  }

  /** A feed contract; its answer is scaled by its {@code decimals()}. */
  record Feed(String address) implements PriceSource {}
}
