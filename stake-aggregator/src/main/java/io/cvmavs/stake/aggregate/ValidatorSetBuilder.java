package io.cvmavs.stake.aggregate;

import io.cvmavs.stake.aggregate.OperatorReport.Restaked;
import io.cvmavs.stake.aggregate.OperatorReport.Status;
import io.cvmavs.stake.chain.StakeSnapshot;
import io.cvmavs.stake.chain.StakeSnapshot.OperatorState;
import io.cvmavs.stake.chain.StakeSnapshot.StrategyInfo;
import io.cvmavs.stake.power.Candidate;
import io.cvmavs.stake.power.PowerAssignment;
import io.cvmavs.stake.power.PowerCalculator;
import io.cvmavs.stake.power.PowerPolicy;
import io.cvmavs.stake.power.PowerResult;
import io.cvmavs.stake.security.SecurityCalculator;
import io.cvmavs.stake.security.SecurityFigures;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Snapshot → validator set (pure). For operator o with slashable shares {@code x_s} in strategy s:
 *
 * <pre>
 *   restakedValue_s = ⌊x_s × cPerShare_s / 1e18⌋                     ($C wei)
 *   weight          = Σ_s ⌊restakedValue_s × multiplier_s / 1e18⌋ + ⌊cStake × cStakeMultiplier / 1e18⌋
 *   value           = Σ_s restakedValue_s + cStake                    (slashable, $C wei)
 * </pre>
 *
 * Candidates are members with a valid ed25519 consensus key, not slashed in the jail window, with
 * weight > 0; {@link PowerCalculator} turns their weights into powers.
 */
public final class ValidatorSetBuilder {
  private static final BigInteger WAD = BigInteger.TEN.pow(18);

  private ValidatorSetBuilder() {}

  public static EpochSet build(long epoch, StakeSnapshot snapshot, PowerPolicy policy) {
    List<StrategyInfo> strategies = snapshot.strategies();
    record Row(
        OperatorState state,
        Optional<ConsensusKey> key,
        List<Restaked> restaked,
        BigInteger weight,
        BigInteger value,
        Status status) {}
    List<Row> rows = new ArrayList<>();
    Map<ConsensusKey, Integer> keyCount = new HashMap<>();
    for (OperatorState o : snapshot.operators()) {
      o.consensusKey().map(ConsensusKey::of).ifPresent(k -> keyCount.merge(k, 1, Integer::sum));
    }
    // RFC 8032 full validation costs a scalar multiplication per key (≈ 1 s for 10,000 keys on one
    // core): done once per distinct key, in parallel; the outcome does not depend on the order.
    Set<ConsensusKey> validKeys =
        keyCount.keySet().parallelStream()
            .filter(ConsensusKey::isValidPoint)
            .collect(Collectors.toUnmodifiableSet());
    for (OperatorState o : snapshot.operators()) {
      List<Restaked> restaked = new ArrayList<>(strategies.size());
      BigInteger weight = BigInteger.ZERO;
      BigInteger value = o.cStake();
      for (int s = 0; s < strategies.size(); s++) {
        StrategyInfo info = strategies.get(s);
        BigInteger shares = o.slashableShares().get(s);
        BigInteger v = shares.multiply(info.cPerShareWad()).divide(WAD);
        restaked.add(new Restaked(info.address(), shares, v));
        weight = weight.add(v.multiply(info.multiplierWad()).divide(WAD));
        value = value.add(v);
      }
      weight = weight.add(o.cStake().multiply(snapshot.cStakeMultiplierWad()).divide(WAD));
      Optional<ConsensusKey> key = o.consensusKey().map(ConsensusKey::of);
      Status status;
      if (key.isEmpty()) {
        status = Status.NO_CONSENSUS_KEY;
      } else if (!validKeys.contains(key.get())) {
        status = Status.INVALID_CONSENSUS_KEY;
      } else if (keyCount.get(key.get()) > 1) {
        status = Status.DUPLICATE_CONSENSUS_KEY;
      } else if (snapshot.slashedOperators().contains(o.operator())) {
        status = Status.JAILED;
      } else if (weight.signum() == 0) {
        status = Status.NO_STAKE;
      } else {
        status = null; // decided by the power calculation
      }
      rows.add(new Row(o, key, List.copyOf(restaked), weight, value, status));
    }

    List<Candidate> candidates = new ArrayList<>();
    for (Row r : rows) {
      if (r.status() == null) {
        candidates.add(new Candidate(r.state().operator(), r.key().orElseThrow(), r.weight()));
      }
    }
    PowerResult result = PowerCalculator.compute(candidates, policy);
    Map<String, PowerAssignment> byOperator = new HashMap<>();
    result.assignments().forEach(a -> byOperator.put(a.candidate().operator(), a));

    List<OperatorReport> reports = new ArrayList<>(rows.size());
    List<SecurityCalculator.Stake> stakes = new ArrayList<>();
    for (Row r : rows) {
      PowerAssignment a = byOperator.get(r.state().operator());
      Status status = r.status();
      long scaled = 0;
      long power = 0;
      if (a != null) {
        scaled = a.scaledPower();
        power = a.power();
        status = Status.valueOf(a.status().name());
        if (a.inSet()) {
          stakes.add(new SecurityCalculator.Stake(r.key().orElseThrow(), power, r.value()));
        }
      }
      reports.add(
          new OperatorReport(
              r.state().operator(),
              r.key(),
              r.state().cStake(),
              r.restaked(),
              r.weight(),
              r.value(),
              scaled,
              power,
              status));
    }
    SecurityFigures security = SecurityCalculator.compute(stakes, snapshot.cPerEthWad());
    return new EpochSet(
        epoch,
        snapshot.block(),
        snapshot.timestamp(),
        result.set(),
        List.copyOf(reports),
        security,
        result.capSatisfied(),
        snapshot.cPerEthWad(),
        strategies,
        snapshot.cStakeMultiplierWad());
  }
}
