package io.cvmavs.consensus.app.validators;

import io.cvmavs.consensus.app.model.AppException;
import io.cvmavs.consensus.app.model.BlsValidator;
import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.stake.aggregate.EpochSet;
import io.cvmavs.stake.aggregate.OperatorReport;
import io.cvmavs.stake.aggregate.StakeAggregator;
import java.util.ArrayList;
import java.util.List;

/**
 * The stake aggregator's dual-staked set (its powers, minimum, maximum set size and cap) with each
 * validator's BLS keys from the AVS registry: the CometBFT set and the BLS set are the same
 * validators with the same powers.
 */
public final class StakeAggregatorSource implements ValidatorSource {
  private final StakeAggregator aggregator;
  private final BlsKeyDirectory keys;

  public StakeAggregatorSource(StakeAggregator aggregator, BlsKeyDirectory keys) {
    this.aggregator = aggregator;
    this.keys = keys;
  }

  @Override
  public long boundary(long epoch) {
    return aggregator.schedule().boundary(epoch);
  }

  /**
   * @throws AppException when a validator has no registered BLS key or the epoch has no validator
   */
  @Override
  public BlsValidatorSet epochSet(long epoch) {
    EpochSet set = aggregator.epochSet(epoch);
    List<BlsValidator> out = new ArrayList<>();
    for (OperatorReport o : set.operators()) {
      if (o.power() <= 0 || o.key().isEmpty()) {
        continue;
      }
      BlsKeyDirectory.BlsPublicKeys k =
          keys.keysOf(o.operator(), set.block())
              .orElseThrow(
                  () ->
                      new AppException(
                          "validator "
                              + o.operator()
                              + " of epoch "
                              + epoch
                              + " has no BLS key in the AVS registry at block "
                              + set.block()));
      out.add(new BlsValidator(o.key().get(), k.g1(), k.g2(), o.power()));
    }
    BlsValidatorSet bls = BlsValidatorSet.of(out);
    if (!bls.cometSet().equals(set.set())) {
      throw new AppException(
          "epoch " + epoch + ": the BLS set does not match the aggregator's validator set");
    }
    return bls;
  }
}
