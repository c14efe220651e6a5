package io.cvmavs.chain.rewards;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The one keyless reader of the rewards flow: the coordinator's parameters, roots and claimed sums,
 * the submissions made for an AVS and the fee escrow's books, over an {@link RpcClient}. Event
 * scans go through {@link LogScanner} (bounded ranges).
 */
public record RewardsReader(RpcClient rpc, RewardsContracts at) implements RewardsTally.Chain {

  /** The coordinator's submission rules (seconds). */
  public record Rules(
      long calculationIntervalSeconds,
      long maxRewardsDuration,
      long maxRetroactiveLength,
      long genesisRewardsTimestamp) {}

  /** One {@code OperatorDirectedOperatorSetRewardsSubmissionCreated}, decoded. */
  public record Submitted(
      long block,
      String txHash,
      String avs,
      long operatorSetId,
      BigInteger nonce,
      RewardsSubmission submission) {}

  /** {@code CvmTaskFees.totals(token)}: escrowed = released + refunded + held. */
  public record FeeTotals(
      BigInteger escrowed, BigInteger released, BigInteger refunded, BigInteger held) {}

  public Rules rules() {
    String c = coordinator();
    return new Rules(
        uint(c, RewardsAbi.CALCULATION_INTERVAL_SECONDS).longValueExact(),
        uint(c, RewardsAbi.MAX_REWARDS_DURATION).longValueExact(),
        uint(c, RewardsAbi.MAX_RETROACTIVE_LENGTH).longValueExact(),
        uint(c, RewardsAbi.GENESIS_REWARDS_TIMESTAMP).longValueExact());
  }

  /** The chain head (block number). */
  @Override
  public long head() {
    return rpc.blockNumber();
  }

  @Override
  public long currRewardsCalculationEndTimestamp() {
    return uint(coordinator(), RewardsAbi.CURR_END).longValueExact();
  }

  @Override
  public long distributionRootsLength() {
    return uint(coordinator(), RewardsAbi.ROOTS_LENGTH).longValueExact();
  }

  /** {@code getCurrentDistributionRoot().root} (the latest posted root; zero when none). */
  public byte[] currentRoot() {
    if (distributionRootsLength() == 0) {
      return new byte[32];
    }
    Words w =
        new Words(
            rpc.call(
                coordinator(),
                Abi.call(RewardsAbi.CURRENT_ROOT, List.of()),
                "RewardsCoordinator.getCurrentDistributionRoot"),
            "RewardsCoordinator.getCurrentDistributionRoot");
    return w.bytes32(0);
  }

  @Override
  public int defaultOperatorSplitBips() {
    return uint(coordinator(), RewardsAbi.DEFAULT_SPLIT).intValueExact();
  }

  @Override
  public BigInteger cumulativeClaimed(String earner, String token) {
    return uint(
        coordinator(), RewardsAbi.CUMULATIVE_CLAIMED, new Address(earner), new Address(token));
  }

  /** ERC-20 {@code token.balanceOf(holder)} (e.g. the reward pool the service manager holds). */
  public BigInteger tokenBalance(String token, String holder) {
    return uint(token, "balanceOf(address)", new Address(holder));
  }

  /** ERC-20 {@code token.allowance(owner, spender)}. */
  public BigInteger tokenAllowance(String token, String owner, String spender) {
    return uint(token, "allowance(address,address)", new Address(owner), new Address(spender));
  }

  public FeeTotals feeTotals(String token) {
    Words w =
        new Words(
            rpc.call(
                at.taskFees(),
                Abi.call(RewardsAbi.FEE_TOTALS, List.of(new Address(token))),
                "CvmTaskFees.totals"),
            "CvmTaskFees.totals");
    return new FeeTotals(w.uint(0), w.uint(32), w.uint(64), w.uint(96));
  }

  /** The submissions made for {@code avs}'s operator sets in {@code [fromBlock, toBlock]}. */
  @Override
  public List<Submitted> submissions(String avs, long fromBlock, long toBlock) {
    List<Submitted> out = new ArrayList<>();
    for (Log log :
        rpc.logs()
            .logs(
                LogScanner.Query.of(
                    "rewards submissions",
                    coordinator(),
                    Events.OPERATOR_DIRECTED_OPERATOR_SET_REWARDS_SUBMISSION_CREATED.topic()),
                fromBlock,
                toBlock)) {
      Submitted s = decodeSubmission(log);
      if (s.avs().equalsIgnoreCase(avs.toLowerCase(Locale.ROOT))) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * What the AVS {@code avs} submitted to {@code operator} in {@code token} in {@code [fromBlock,
   * toBlock]} (the operator-directed amounts; its stakers' part is decided by EigenLayer's split).
   */
  public BigInteger earnedBy(
      String avs, String operator, String token, long fromBlock, long toBlock) {
    BigInteger sum = BigInteger.ZERO;
    for (Submitted s : submissions(avs, fromBlock, toBlock)) {
      if (!s.submission().token().equalsIgnoreCase(token)) {
        continue;
      }
      for (RewardsSubmission.OperatorReward r : s.submission().rewards()) {
        if (r.operator().equalsIgnoreCase(operator)) {
          sum = sum.add(r.amount());
        }
      }
    }
    return sum;
  }

  /** Fee events of the escrow ({@code FeeEscrowed}, {@code FeeReleased}, {@code FeeRefunded}). */
  public List<Map<String, Object>> feeEvents(
      io.cvmavs.chain.abi.EventSpec event, long fromBlock, long toBlock) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Log log :
        rpc.logs()
            .logs(
                LogScanner.Query.of("fee events", at.taskFees(), event.topic()),
                fromBlock,
                toBlock)) {
      out.add(event.decode(log));
    }
    return out;
  }

  /**
   * Decodes the event by hand: {@code EventSpec} reads static tuples only, and the submission is a
   * dynamic tuple (head: strategies offset, token, rewards offset, start, duration, description
   * offset; offsets relative to the tuple).
   */
  static Submitted decodeSubmission(Log log) {
    if (!Events.OPERATOR_DIRECTED_OPERATOR_SET_REWARDS_SUBMISSION_CREATED.matches(log)) {
      throw new io.cvmavs.chain.ChainException(
          "not a rewards submission event in transaction " + log.getTransactionHash());
    }
    byte[] d = org.web3j.utils.Numeric.hexStringToByteArray(log.getData());
    try {
      String avs = address(d, 0);
      long setId = word(d, 32).longValueExact();
      BigInteger nonce = word(d, 64);
      int t = word(d, 96).intValueExact();
      List<RewardsSubmission.StrategyMultiplier> strategies = new ArrayList<>();
      int sa = t + word(d, t).intValueExact();
      for (int i = 0, n = word(d, sa).intValueExact(); i < n; i++) {
        int at = sa + 32 + i * 64;
        strategies.add(new RewardsSubmission.StrategyMultiplier(address(d, at), word(d, at + 32)));
      }
      List<RewardsSubmission.OperatorReward> rewards = new ArrayList<>();
      int ra = t + word(d, t + 64).intValueExact();
      for (int i = 0, n = word(d, ra).intValueExact(); i < n; i++) {
        int at = ra + 32 + i * 64;
        rewards.add(new RewardsSubmission.OperatorReward(address(d, at), word(d, at + 32)));
      }
      int da = t + word(d, t + 160).intValueExact();
      int len = word(d, da).intValueExact();
      String description =
          new String(
              java.util.Arrays.copyOfRange(d, da + 32, da + 32 + len),
              java.nio.charset.StandardCharsets.UTF_8);
      RewardsSubmission s =
          new RewardsSubmission(
              strategies,
              address(d, t + 32),
              rewards,
              word(d, t + 96).longValueExact(),
              word(d, t + 128).longValueExact(),
              description);
      return new Submitted(
          log.getBlockNumber().longValueExact(), log.getTransactionHash(), avs, setId, nonce, s);
    } catch (RuntimeException e) {
      throw new io.cvmavs.chain.ChainException(
          "cannot decode a rewards submission event in transaction " + log.getTransactionHash(), e);
    }
  }

  private static BigInteger word(byte[] d, int at) {
    if (at < 0 || at + 32 > d.length) {
      throw new IllegalArgumentException("event data too short for a word at " + at);
    }
    return new BigInteger(1, java.util.Arrays.copyOfRange(d, at, at + 32));
  }

  private static String address(byte[] d, int at) {
    return String.format("0x%040x", word(d, at));
  }

  private String coordinator() {
    if (at.rewardsCoordinator() == null) {
      throw new IllegalStateException(
          "no RewardsCoordinator in the deployment (RewardsCoordinator key missing or zero)");
    }
    return at.rewardsCoordinator();
  }

  private BigInteger uint(String to, String sig, org.web3j.abi.datatypes.Type<?>... params) {
    return rpc.view(to, sig, new TypeReference<Uint256>() {}, params).getValue();
  }
}
