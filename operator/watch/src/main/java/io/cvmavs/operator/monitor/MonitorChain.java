package io.cvmavs.operator.monitor;

import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.chain.rewards.OperatorRewards;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.web3j.protocol.core.methods.response.Log;

/** The chain reads the monitor needs, and nothing that signs. */
public interface MonitorChain {
  long chainId();

  long head();

  /** Seconds since the epoch of block {@code block}. */
  long blockTimestamp(long block);

  /** Logs of {@code addresses} whose topic 0 is one of {@code topics}, in [from, to], in order. */
  List<Log> logs(List<String> addresses, List<String> topics, long from, long to);

  /** The calldata of transaction {@code txHash} (0x-hex). */
  String transactionInput(String txHash);

  /** A registered operator and its stake in one quorum. */
  record Member(String operator, String operatorId, BigInteger stake) {}

  /**
   * The operators active in any of {@code quorumNumbers} at {@code block}, by operatorId (0x hex,
   * lower case), with their stake summed over those quorums.
   */
  Map<String, Member> operatorSetAt(long block, byte[] quorumNumbers);

  /** Every registered operator's current stake in quorum 0 (by operatorId), and the total. */
  record Stakes(Map<String, Member> operators, BigInteger total) {}

  Stakes currentStakes();

  /**
   * Every operator that registered a key up to the head: operatorId → address (both lower-case 0x
   * hex). Used to match an {@link OperatorFilter} given by address against an event that carries
   * only the operatorId, and the other way round.
   */
  Map<String, String> registeredOperators();

  /**
   * The task manager's liveness SLA of {@code operatorId} (0x hex) at the end of block {@code
   * block}: the streak of misses, the ejection threshold, whether it is ejectable.
   */
  LivenessSla livenessSla(String operatorId, long block);

  /**
   * The RewardsCoordinator whose submission and claim events change operators' rewards; empty when
   * the deployment has none (then {@link #rewards} is never asked).
   */
  default Optional<String> rewardsCoordinator() {
    return Optional.empty();
  }

  /**
   * The rewards of {@code operators} (addresses) in the fee token at the head, one scan for all
   * that scans only the blocks mined since the last call (a {@code RewardsTally}); keyed by
   * lower-case address. Empty without a RewardsCoordinator.
   */
  default Map<String, OperatorRewards> rewards(Collection<String> operators) {
    return Map.of();
  }
}
