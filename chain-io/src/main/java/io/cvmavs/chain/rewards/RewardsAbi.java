package io.cvmavs.chain.rewards;

import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint96;

/**
 * Function signatures and ABI structs of the RewardsCoordinator, the service manager's submission
 * and {@code CvmTaskFees} (hand-built with web3j's ABI types, like {@code TaskManagerAbi}).
 */
public final class RewardsAbi {
  private RewardsAbi() {}

  static final String SUBMISSION_TUPLE =
      "((address,uint96)[],address,(address,uint256)[],uint32,uint32,string)";
  static final String CLAIM_TUPLE =
      "(uint32,uint32,bytes,(address,bytes32),uint32[],bytes[],(address,uint256)[])";

  /** {@code CvmServiceManager}: the rewards initiator pays a submission from the reward pool. */
  public static final String SM_SUBMIT =
      "createOperatorDirectedOperatorSetRewardsSubmission(uint32," + SUBMISSION_TUPLE + "[])";

  public static final String SUBMIT_ROOT = "submitRoot(bytes32,uint32)";
  public static final String PROCESS_CLAIM = "processClaim(" + CLAIM_TUPLE + ",address)";
  public static final String CALCULATION_INTERVAL_SECONDS = "CALCULATION_INTERVAL_SECONDS()";
  public static final String MAX_REWARDS_DURATION = "MAX_REWARDS_DURATION()";
  public static final String MAX_RETROACTIVE_LENGTH = "MAX_RETROACTIVE_LENGTH()";
  public static final String GENESIS_REWARDS_TIMESTAMP = "GENESIS_REWARDS_TIMESTAMP()";
  public static final String CURR_END = "currRewardsCalculationEndTimestamp()";
  public static final String ROOTS_LENGTH = "getDistributionRootsLength()";
  public static final String CUMULATIVE_CLAIMED = "cumulativeClaimed(address,address)";
  public static final String DEFAULT_SPLIT = "defaultOperatorSplitBips()";
  public static final String CURRENT_ROOT = "getCurrentDistributionRoot()";

  public static final String FEE_ESCROW =
      "escrow(uint32,(uint64,bytes32,bytes32,bytes,uint32,uint32),address,uint96,address)";
  public static final String FEE_RELEASE = "release(uint32)";
  public static final String FEE_REFUND =
      "refund(uint32,(uint64,bytes32,bytes32,bytes,uint32,uint32))";
  public static final String FEE_TOTALS = "totals(address)";

  /** {@code StrategyAndMultiplier}. */
  public static final class StrategyAndMultiplierStruct extends StaticStruct {
    public StrategyAndMultiplierStruct(Address strategy, Uint96 multiplier) {
      super(strategy, multiplier);
    }
  }

  /** {@code OperatorReward}. */
  public static final class OperatorRewardStruct extends StaticStruct {
    public OperatorRewardStruct(Address operator, Uint256 amount) {
      super(operator, amount);
    }
  }

  /** {@code OperatorDirectedRewardsSubmission}. */
  public static final class SubmissionStruct extends DynamicStruct {
    public SubmissionStruct(
        DynamicArray<StrategyAndMultiplierStruct> strategies,
        Address token,
        DynamicArray<OperatorRewardStruct> rewards,
        Uint32 start,
        Uint32 duration,
        Utf8String description) {
      super(strategies, token, rewards, start, duration, description);
    }

    static SubmissionStruct of(RewardsSubmission s) {
      return new SubmissionStruct(
          new DynamicArray<>(
              StrategyAndMultiplierStruct.class,
              s.strategies().stream()
                  .map(
                      m ->
                          new StrategyAndMultiplierStruct(
                              new Address(m.strategy()), new Uint96(m.multiplier())))
                  .toList()),
          new Address(s.token()),
          new DynamicArray<>(
              OperatorRewardStruct.class,
              s.rewards().stream()
                  .map(
                      r ->
                          new OperatorRewardStruct(
                              new Address(r.operator()), new Uint256(r.amount())))
                  .toList()),
          new Uint32(s.startTimestamp()),
          new Uint32(s.duration()),
          new Utf8String(s.description()));
    }
  }

  /** {@code EarnerTreeMerkleLeaf}. */
  public static final class EarnerLeafStruct extends StaticStruct {
    public EarnerLeafStruct(Address earner, Bytes32 earnerTokenRoot) {
      super(earner, earnerTokenRoot);
    }
  }

  /** {@code TokenTreeMerkleLeaf}. */
  public static final class TokenLeafStruct extends StaticStruct {
    public TokenLeafStruct(Address token, Uint256 cumulativeEarnings) {
      super(token, cumulativeEarnings);
    }
  }

  /** {@code RewardsMerkleClaim}. */
  public static final class ClaimStruct extends DynamicStruct {
    public ClaimStruct(
        Uint32 rootIndex,
        Uint32 earnerIndex,
        DynamicBytes earnerTreeProof,
        EarnerLeafStruct earnerLeaf,
        DynamicArray<Uint32> tokenIndices,
        DynamicArray<DynamicBytes> tokenTreeProofs,
        DynamicArray<TokenLeafStruct> tokenLeaves) {
      super(
          rootIndex,
          earnerIndex,
          earnerTreeProof,
          earnerLeaf,
          tokenIndices,
          tokenTreeProofs,
          tokenLeaves);
    }

    static ClaimStruct of(RewardsClaim c) {
      List<RewardsClaim.TokenClaim> t = c.tokens();
      return new ClaimStruct(
          new Uint32(c.rootIndex()),
          new Uint32(c.earnerIndex()),
          new DynamicBytes(c.earnerProof()),
          new EarnerLeafStruct(new Address(c.earner()), new Bytes32(c.earnerTokenRoot())),
          new DynamicArray<>(Uint32.class, t.stream().map(x -> new Uint32(x.leafIndex())).toList()),
          new DynamicArray<>(
              DynamicBytes.class, t.stream().map(x -> new DynamicBytes(x.proof())).toList()),
          new DynamicArray<>(
              TokenLeafStruct.class,
              t.stream()
                  .map(
                      x ->
                          new TokenLeafStruct(
                              new Address(x.token()), new Uint256(x.cumulativeEarnings())))
                  .toList()));
    }
  }
}
