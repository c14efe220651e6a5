package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.validator.ValidatorUpdate;
import java.util.List;

/**
 * The set of the epoch containing the requested block, the previous epoch's set (empty before epoch
 * 1), and the CometBFT updates between them.
 */
public record AggregateResult(
    long requestedBlock, EpochSet current, EpochSet previous, List<ValidatorUpdate> updates) {}
