package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.chain.StakeReader;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.validator.ValidatorSet;
import io.cvmavs.stake.validator.ValidatorSetDiff;
import java.util.List;

/** Reads the chain at epoch boundaries and produces validator sets and their diff. */
public final class StakeAggregator {
  private final StakeReader reader;
  private final StakeConfig config;
  private final EpochSchedule schedule;

  public StakeAggregator(StakeReader reader, StakeConfig config) {
    this.reader = reader;
    this.config = config;
    this.schedule = new EpochSchedule(config.epochGenesisBlock(), config.epochLengthBlocks());
  }

  public EpochSchedule schedule() {
    return schedule;
  }

  /** The set of {@code epoch}, read at its boundary block. */
  public EpochSet epochSet(long epoch) {
    long block = schedule.boundary(epoch);
    return ValidatorSetBuilder.build(
        epoch, reader.read(block, schedule.jailFrom(epoch, config.jailEpochs())), config.power());
  }

  /** The set of the epoch containing {@code block} (latest block if null) and its diff. */
  public AggregateResult atBlock(Long block) {
    long b = block != null ? block : reader.latestBlock();
    long epoch = schedule.epochOf(b);
    EpochSet current = epochSet(epoch);
    EpochSet previous = epoch == 0 ? null : epochSet(epoch - 1);
    ValidatorSet before = previous == null ? ValidatorSet.empty() : previous.set();
    return new AggregateResult(
        b, current, previous, List.copyOf(ValidatorSetDiff.diff(before, current.set())));
  }
}
