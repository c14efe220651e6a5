package io.cvmavs.operator.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.core.CoreReader;
import io.cvmavs.chain.rewards.OperatorRewards;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.operator.config.ConfigException;
import io.cvmavs.operator.config.OperatorConfig;
import java.math.BigInteger;
import java.util.Optional;

/** {@code operator status}: what the chain says about one operator, as JSON. */
public final class OperatorStatus {
  static final BigInteger WAD = BigInteger.TEN.pow(18);

  private OperatorStatus() {}

  /**
   * Where {@code operator status} reads the operator's rewards: empty ({@code "rewards": null})
   * when the deployment lacks the RewardsCoordinator, CvmServiceManager, CvmTaskFees or CToken
   * address (or one is zero), or the config has no start block.
   */
  public static Optional<OperatorRewards.Source> rewardsSource(OperatorConfig c) {
    try {
      return OperatorRewards.Source.of(c.addresses(), c.startBlock());
    } catch (ConfigException e) {
      return Optional.empty();
    }
  }

  public static ObjectNode read(RegistrationContracts c, RpcClient rpc, String operator) {
    return read(c, rpc, operator, Optional.empty());
  }

  /**
   * The status of {@code operator}; with {@code rewards}, a {@code rewards} object (earned,
   * claimed, unclaimed, token: the same numbers as {@code cvm-avs rewards}), else {@code "rewards":
   * null}.
   */
  public static ObjectNode read(
      RegistrationContracts c,
      RpcClient rpc,
      String operator,
      Optional<OperatorRewards.Source> rewards) {
    CoreReader core = c.coreReader(rpc);
    RegistryReader registry = new RegistryReader(rpc, c.registry());
    StakingReader staking = new StakingReader(rpc, c.cStaking());
    TaskManagerReader tasks = new TaskManagerReader(rpc, c.taskManager());
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("operator", operator);
    out.put("eigenlayer_operator", core.isOperator(operator));
    byte[] id = registry.operatorId(operator);
    boolean hasKey = new BigInteger(1, id).signum() != 0;
    out.put("operator_id", hasKey ? Bytes32.hex(id) : null);
    boolean member = core.isMember(operator, c.serviceManager(), c.operatorSetId());
    out.put("registered", member);
    out.put("socket", hasKey ? registry.socket(id) : null);
    out.put("slashable", core.isSlashable(operator, c.serviceManager(), c.operatorSetId()));
    long block = tasks.blockNumber();
    ObjectNode alloc = out.putObject("allocation");
    CoreReader.Allocation a =
        core.allocation(operator, c.serviceManager(), c.operatorSetId(), c.strategy());
    alloc.put("operator_set", c.operatorSetId());
    alloc.put("strategy", c.strategy());
    alloc.put("magnitude_wad", a.currentMagnitude().toString());
    alloc.put("pending_diff_wad", a.pendingDiff().toString());
    alloc.put("effect_block", a.effectBlock());
    alloc.put("operator_shares", core.operatorShares(operator, c.strategy()).toString());
    alloc.put(
        "slashable_stake",
        core.slashableStake(operator, c.serviceManager(), c.operatorSetId(), c.strategy(), block)
            .toString());
    BigInteger maxMagnitude = core.maxMagnitude(operator, c.strategy());
    out.put("c_stake", staking.operatorStake(operator).toString());
    ArrayNode quorums = out.putArray("quorums");
    int count = registry.quorumCount();
    for (int q = 0; q < count; q++) {
      ObjectNode qn = quorums.addObject();
      qn.put("quorum", q);
      qn.put("active", registry.isActive(operator, q));
      qn.put("stake", hasKey ? registry.currentStake(id, q).toString() : "0");
      qn.put("total_stake", registry.currentTotalStake(q).toString());
    }
    boolean slashed = maxMagnitude.compareTo(WAD) < 0;
    out.put("slashed", slashed);
    out.put("max_magnitude_wad", maxMagnitude.toString());
    if (hasKey) {
      TaskManagerReader.Liveness l = tasks.liveness(id);
      out.put("missed_attestations_streak", l.missedStreak());
      out.put("ejectable", l.ejectable());
      out.put("ejected", l.ejectable() && !member);
      // issue 21: the liveness rule as an SLA ("x in a row, ejection at z"), warning one miss
      // before
      LivenessSla sla =
          LivenessSla.of(l, tasks.config().maxMissedResponses(), tasks.responseCount());
      ObjectNode sn = out.putObject("liveness_sla");
      sn.put("missed_in_a_row", sla.currentStreak());
      sn.put("ejection_at", sla.ejectionAt());
      sn.put("misses_left", sla.missesLeft());
      sn.put("responses_after_last_miss", sla.responsesSinceLastMiss());
      sn.put("responses", sla.responses());
      sn.put("warning", sla.warning());
      sn.put("summary", sla.summary());
    }
    if (rewards.isPresent()) {
      OperatorRewards.Source r = rewards.get();
      OperatorRewards or =
          OperatorRewards.read(
              new RewardsReader(rpc, r.contracts()),
              r.contracts(),
              operator,
              r.token(),
              r.fromBlock());
      out.putObject("rewards")
          .put("token", or.token())
          .put("earned", or.earned().toString())
          .put("claimed", or.claimed().toString())
          .put("unclaimed", or.unclaimed().toString());
    } else {
      out.putNull("rewards");
    }
    out.put("block", block);
    return out;
  }
}
