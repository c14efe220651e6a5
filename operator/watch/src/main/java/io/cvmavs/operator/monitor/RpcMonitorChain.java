package io.cvmavs.operator.monitor;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.LivenessSla;
import io.cvmavs.chain.avs.OperatorSetReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerReader;
import io.cvmavs.chain.rewards.OperatorRewards;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rewards.RewardsTally;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.net.URI;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.Transaction;

/** {@link MonitorChain} over JSON-RPC. Watch-only: keyless reads ({@link ChainAccess#read}). */
public final class RpcMonitorChain implements MonitorChain {
  private final Web3j web3j;
  private final long chainId;
  private final RegistryReader registry;
  private final LogScanner scanner;
  private final Map<Long, Long> timestamps = new ConcurrentHashMap<>();
  private final OperatorSetReader operatorSets;
  private final TaskManagerReader taskManager;
  private final Optional<OperatorRewards.Source> rewardsAt;
  private final RewardsTally rewardsTally; // null without rewardsAt

  public RpcMonitorChain(
      URI rpcUrl, String registryAddress, String taskManagerAddress, long fromBlock) {
    this(rpcUrl, registryAddress, taskManagerAddress, fromBlock, Optional.empty());
  }

  /** With {@code rewards}: also the operators' rewards ({@link #rewards}). */
  public RpcMonitorChain(
      URI rpcUrl,
      String registryAddress,
      String taskManagerAddress,
      long fromBlock,
      Optional<OperatorRewards.Source> rewards) {
    RpcClient rpc = ChainAccess.read(rpcUrl, java.util.Optional.empty());
    this.web3j = rpc.web3j();
    this.chainId = rpc.chainId();
    this.registry = new RegistryReader(rpc, registryAddress);
    this.taskManager = new TaskManagerReader(rpc, taskManagerAddress);
    this.scanner = rpc.logs();
    this.operatorSets = new OperatorSetReader(registry, fromBlock);
    this.rewardsAt = rewards;
    this.rewardsTally =
        rewards.map(r -> RewardsTally.of(new RewardsReader(rpc, r.contracts()), r)).orElse(null);
  }

  @Override
  public Optional<String> rewardsCoordinator() {
    return rewardsAt.map(r -> r.contracts().rewardsCoordinator());
  }

  @Override
  public Map<String, OperatorRewards> rewards(Collection<String> operators) {
    if (rewardsAt.isEmpty() || operators.isEmpty()) {
      return Map.of();
    }
    return rewardsTally.read(operators);
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public long head() {
    return Transactor.rpcCall(() -> web3j.ethBlockNumber().send(), "eth_blockNumber")
        .getBlockNumber()
        .longValueExact();
  }

  @Override
  public long blockTimestamp(long block) {
    return timestamps.computeIfAbsent(
        block,
        b -> {
          EthBlock r =
              Transactor.rpcCall(
                  () ->
                      web3j
                          .ethGetBlockByNumber(
                              DefaultBlockParameter.valueOf(BigInteger.valueOf(b)), false)
                          .send(),
                  "eth_getBlockByNumber " + b);
          if (r.getBlock() == null) {
            throw new ChainException("eth_getBlockByNumber " + b + ": no such block");
          }
          return r.getBlock().getTimestamp().longValueExact();
        });
  }

  @Override
  public List<Log> logs(List<String> addresses, List<String> topics, long from, long to) {
    return scanner
        .logs(new LogScanner.Query("monitor", addresses, List.of(topics)), from, to)
        .stream()
        .sorted(
            Comparator.comparing((Log l) -> l.getBlockNumber()).thenComparing(l -> l.getLogIndex()))
        .toList();
  }

  @Override
  public String transactionInput(String txHash) {
    Transaction tx =
        Transactor.rpcCall(
                () -> web3j.ethGetTransactionByHash(txHash).send(),
                "eth_getTransactionByHash " + txHash)
            .getTransaction()
            .orElseThrow(() -> new ChainException("transaction " + txHash + " not found"));
    return tx.getInput();
  }

  @Override
  public Map<String, Member> operatorSetAt(long block, byte[] quorumNumbers) {
    Map<String, Member> out = new LinkedHashMap<>();
    for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(block)) {
      BigInteger stake = BigInteger.ZERO;
      boolean active = false;
      for (byte q : quorumNumbers) {
        var m = operatorSets.member(r, q & 0xff, block);
        if (m.isPresent()) {
          active = true;
          stake = stake.add(m.get().stake());
        }
      }
      if (active) {
        String id = Bytes32.hex(r.operatorId());
        out.put(id, new Member(r.operator().toLowerCase(java.util.Locale.ROOT), id, stake));
      }
    }
    return out;
  }

  @Override
  public Stakes currentStakes() {
    Map<String, Member> out = new LinkedHashMap<>();
    for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(head())) {
      String id = Bytes32.hex(r.operatorId());
      out.put(
          id,
          new Member(
              r.operator().toLowerCase(java.util.Locale.ROOT),
              id,
              registry.currentStake(r.operatorId(), 0)));
    }
    return new Stakes(out, registry.currentTotalStake(0));
  }

  @Override
  public Map<String, String> registeredOperators() {
    Map<String, String> out = new LinkedHashMap<>();
    for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(head())) {
      out.put(Bytes32.hex(r.operatorId()), r.operator().toLowerCase(java.util.Locale.ROOT));
    }
    return out;
  }

  @Override
  public LivenessSla livenessSla(String operatorId, long block) {
    return taskManager.livenessSla(Bytes32.parse("operatorId", operatorId), block);
  }
}
