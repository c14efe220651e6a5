package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.security.SecurityFigures;
import io.cvmavs.stake.validator.ValidatorSet;
import java.util.List;

/**
 * The validator set of one epoch, read at the epoch's first Ethereum block.
 *
 * @param operators every member of the operator set, by address ascending
 * @param capSatisfied false if the set was too small for the per-validator cap
 */
public record EpochSet(
    long epoch,
    long block,
    long timestamp,
    ValidatorSet set,
    List<OperatorReport> operators,
    SecurityFigures security,
    boolean capSatisfied,
    java.math.BigInteger cPerEthWad,
    List<io.cvmavs.stake.chain.StakeSnapshot.StrategyInfo> strategies,
    java.math.BigInteger cStakeMultiplierWad) {}
