package io.cvmavs.stake.chain;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.staking.StakingReader;
import io.cvmavs.stake.chain.StakeSnapshot.OperatorState;
import io.cvmavs.stake.chain.StakeSnapshot.StrategyInfo;
import io.cvmavs.stake.config.PriceSource;
import io.cvmavs.stake.config.StakeConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Reads a {@link StakeSnapshot} with two rounds of JSON-RPC batches, every call pinned to the
 * block:
 *
 * <ol>
 *   <li>operator-set members ({@code AllocationManager.getMembers}), strategies and multipliers
 *       ({@code CvmRegistry.strategyParams}, {@code quorumConfig}), the block header, every
 *       configured price feed ({@code latestRoundData}, {@code decimals}); then the slashing events
 *       of the jail window ({@code OperatorSlashed}, {@code OperatorStakeSlashed}) through {@link
 *       LogScanner} (bounded ranges, outside the batch);
 *   <li>slashable shares ({@code getMinimumSlashableStake}, {@code operatorsPerCall} operators per
 *       call), each call followed by {@code CStaking.operatorStake} and {@code consensusKeyOf} of
 *       its operators, and {@code sharesToUnderlyingView(1e18)} of feed-priced strategies.
 * </ol>
 */
public final class RpcStakeReader implements StakeReader {
  static final String OPERATOR_SLASHED = Events.OPERATOR_SLASHED.topic();
  static final String OPERATOR_STAKE_SLASHED = Events.OPERATOR_STAKE_SLASHED.topic();
  private static final BigInteger WAD = BigInteger.TEN.pow(18);

  private final BatchRpc rpc;
  private final StakeConfig config;
  private final String allocationManager;
  private final String registry;
  private final String avs;
  private final String cStaking;
  private final LogScanner logs;

  public RpcStakeReader(BatchRpc rpc, StakeConfig config) {
    this.rpc = rpc;
    this.config = config;
    this.allocationManager = config.contract(StakeConfig.ALLOCATION_MANAGER);
    this.registry = config.contract(StakeConfig.REGISTRY);
    this.avs = config.contract(StakeConfig.SERVICE_MANAGER).toLowerCase(Locale.ROOT);
    this.cStaking = config.contract(StakeConfig.C_STAKING);
    this.logs = new LogScanner(rpc.web3j());
  }

  @Override
  public long latestBlock() {
    try {
      return rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new ChainReadException("eth_blockNumber failed: " + e.getMessage(), e);
    }
  }

  private StaticStruct operatorSet() {
    return new StaticStruct(new Address(avs), new Uint32(config.operatorSetId()));
  }

  @Override
  public StakeSnapshot read(long block, long jailFromBlock) {
    try {
      return readAt(block, jailFromBlock);
    } catch (ChainException e) {
      throw new ChainReadException(e.getMessage(), e);
    }
  }

  private StakeSnapshot readAt(long block, long jailFromBlock) {
    // ---- round 1
    List<Request<?, ? extends Response<?>>> r1 = new ArrayList<>();
    List<String> w1 = new ArrayList<>();
    r1.add(
        rpc.ethCall(
            new BatchRpc.Call(
                "getMembers",
                allocationManager,
                Abi.call("getMembers((address,uint32))", List.of(operatorSet()))),
            block));
    w1.add("AllocationManager.getMembers");
    r1.add(
        rpc.ethCall(
            new BatchRpc.Call(
                "strategyParams",
                registry,
                Abi.call("strategyParams(uint8)", List.of(new Uint8(config.operatorSetId())))),
            block));
    w1.add("CvmRegistry.strategyParams");
    r1.add(
        rpc.ethCall(
            new BatchRpc.Call(
                "quorumConfig",
                registry,
                Abi.call("quorumConfig(uint8)", List.of(new Uint8(config.operatorSetId())))),
            block));
    w1.add("CvmRegistry.quorumConfig");
    r1.add(rpc.web3j().ethGetBlockByNumber(BatchRpc.at(block), false));
    w1.add("eth_getBlockByNumber(" + block + ")");
    Set<String> feeds = new TreeSet<>();
    collectFeed(config.cPerEth(), feeds);
    config.strategyRates().values().forEach(s -> collectFeed(s, feeds));
    config.defaultStrategyRate().ifPresent(s -> collectFeed(s, feeds));
    for (String feed : feeds) {
      r1.add(
          rpc.ethCall(
              new BatchRpc.Call("latestRoundData", feed, Abi.call("latestRoundData()", List.of())),
              block));
      w1.add("latestRoundData() of feed " + feed);
      r1.add(
          rpc.ethCall(
              new BatchRpc.Call("decimals", feed, Abi.call("decimals()", List.of())), block));
      w1.add("decimals() of feed " + feed);
    }
    boolean jail = jailFromBlock < block;
    List<Response<?>> a1 = rpc.round(r1, w1);

    List<String> members = new ArrayList<>(new TreeSet<>(words(a1, 0, w1).addressArray()));
    Words sp = words(a1, 1, w1);
    int[] spArray = sp.array(0, 2);
    List<String> strategies = new ArrayList<>();
    List<BigInteger> multipliers = new ArrayList<>();
    for (int i = 0; i < spArray[1]; i++) {
      strategies.add(sp.address(spArray[0] + 64 * i));
      multipliers.add(sp.uint(spArray[0] + 64 * i + 32));
    }
    BigInteger cMultiplier = words(a1, 2, w1).uint(64);
    EthBlock.Block header = ((EthBlock) a1.get(3)).getBlock();
    if (header == null) {
      throw new ChainReadException("block " + block + " does not exist (yet)");
    }
    long timestamp = header.getTimestamp().longValueExact();
    Map<String, BigInteger> feedAnswers = new LinkedHashMap<>();
    int i = 4;
    for (String feed : feeds) {
      Words round = words(a1, i, w1);
      BigInteger answer = round.int256(32);
      long updatedAt = round.uint(96).longValue();
      int decimals = words(a1, i + 1, w1).uint(0).intValueExact();
      if (answer.signum() <= 0) {
        throw new ChainReadException(
            "price feed " + feed + " answered " + answer + " at block " + block);
      }
      if (timestamp - updatedAt > config.maxPriceAgeSeconds()) {
        throw new ChainReadException(
            "price feed "
                + feed
                + " is stale at block "
                + block
                + ": updated at "
                + updatedAt
                + ", block time "
                + timestamp
                + " (prices.max_age_seconds = "
                + config.maxPriceAgeSeconds()
                + ")");
      }
      // answer / 10^decimals, as WAD.
      feedAnswers.put(feed, answer.multiply(WAD).divide(BigInteger.TEN.pow(decimals)));
      i += 2;
    }
    Set<String> slashed = new TreeSet<>();
    if (jail) {
      // eth_getLogs outside the batch: the scanner splits the jail window into ranges the
      // provider accepts.
      for (Log log :
          logs.logs(
              LogScanner.Query.of("OperatorSlashed", allocationManager, OPERATOR_SLASHED),
              jailFromBlock + 1,
              block)) {
        Words data = new Words(log.getData(), "OperatorSlashed event");
        if (data.address(32).equals(avs) && data.uint(64).longValue() == config.operatorSetId()) {
          slashed.add(data.address(0));
        }
      }
      for (Log log :
          logs.logs(
              LogScanner.Query.of("OperatorStakeSlashed", cStaking, OPERATOR_STAKE_SLASHED),
              jailFromBlock + 1,
              block)) {
        String topic = log.getTopics().get(1);
        slashed.add(("0x" + topic.substring(topic.length() - 40)).toLowerCase(Locale.ROOT));
      }
    }

    // ---- round 2
    List<Request<?, ? extends Response<?>>> r2 = new ArrayList<>();
    List<String> w2 = new ArrayList<>();
    List<Address> strategyArg = new ArrayList<>();
    strategies.forEach(s -> strategyArg.add(new Address(s)));
    // Each slashable-shares call is followed by its operators' stake and key calls: the costly
    // getMinimumSlashableStake executions spread evenly over the round's HTTP requests, which the
    // node answers in parallel, instead of filling the first request.
    List<Integer> shareAt = new ArrayList<>();
    int[] stakeAt = new int[members.size()];
    for (int from = 0; from < members.size(); from += config.operatorsPerCall()) {
      int to = Math.min(members.size(), from + config.operatorsPerCall());
      List<Address> ops = new ArrayList<>();
      members.subList(from, to).forEach(m -> ops.add(new Address(m)));
      shareAt.add(r2.size());
      r2.add(
          rpc.ethCall(
              new BatchRpc.Call(
                  "getMinimumSlashableStake",
                  allocationManager,
                  Abi.call(
                      "getMinimumSlashableStake((address,uint32),address[],address[],uint32)",
                      List.of(
                          operatorSet(),
                          new DynamicArray<>(Address.class, ops),
                          new DynamicArray<>(Address.class, strategyArg),
                          new Uint32(block)))),
              block));
      w2.add("AllocationManager.getMinimumSlashableStake(operators " + from + "..)");
      for (int m = from; m < to; m++) {
        stakeAt[m] = r2.size();
        r2.add(rpc.ethCall(StakingReader.operatorStakeCall(cStaking, members.get(m)), block));
        w2.add("CStaking.operatorStake(" + members.get(m) + ")");
        r2.add(rpc.ethCall(StakingReader.consensusKeyCall(cStaking, members.get(m)), block));
        w2.add("CStaking.consensusKeyOf(" + members.get(m) + ")");
      }
    }
    List<Integer> feedPriced = new ArrayList<>();
    for (int s = 0; s < strategies.size(); s++) {
      if (config.rateOf(strategies.get(s)) instanceof PriceSource.Feed) {
        feedPriced.add(s);
        r2.add(
            rpc.ethCall(
                new BatchRpc.Call(
                    "sharesToUnderlyingView",
                    strategies.get(s),
                    Abi.call("sharesToUnderlyingView(uint256)", List.of(new Uint256(WAD)))),
                block));
        w2.add("sharesToUnderlyingView of strategy " + strategies.get(s));
      }
    }
    List<Response<?>> a2 =
        members.isEmpty() && feedPriced.isEmpty() ? List.of() : rpc.round(r2, w2);

    List<List<BigInteger>> shares = new ArrayList<>(members.size());
    for (int c : shareAt) {
      List<List<BigInteger>> rows = words(a2, c, w2).uintMatrix();
      for (List<BigInteger> row : rows) {
        if (row.size() != strategies.size()) {
          throw new ChainReadException(
              "getMinimumSlashableStake returned "
                  + row.size()
                  + " strategies, expected "
                  + strategies.size());
        }
        shares.add(row);
      }
    }
    if (shares.size() != members.size()) {
      throw new ChainReadException(
          "getMinimumSlashableStake returned "
              + shares.size()
              + " operators, expected "
              + members.size());
    }
    List<OperatorState> operators = new ArrayList<>(members.size());
    for (int m = 0; m < members.size(); m++) {
      BigInteger stake = words(a2, stakeAt[m], w2).uint(0);
      byte[] key = words(a2, stakeAt[m] + 1, w2).bytes32(0);
      Optional<byte[]> k = Arrays.equals(key, new byte[32]) ? Optional.empty() : Optional.of(key);
      operators.add(new OperatorState(members.get(m), k, stake, List.copyOf(shares.get(m))));
    }
    List<StrategyInfo> infos = new ArrayList<>();
    int f = shareAt.size() + 2 * members.size();
    for (int s = 0; s < strategies.size(); s++) {
      PriceSource src = config.rateOf(strategies.get(s));
      BigInteger rate;
      if (src instanceof PriceSource.Feed feed) {
        // $C wei per share wei = underlying wei per share wei × $C per underlying token (18
        // decimals).
        BigInteger underlyingPerWadShares = words(a2, f++, w2).uint(0);
        rate =
            underlyingPerWadShares
                .multiply(feedAnswers.get(feed.address().toLowerCase(Locale.ROOT)))
                .divide(WAD);
      } else {
        rate = ((PriceSource.Fixed) src).wad();
      }
      infos.add(new StrategyInfo(strategies.get(s), multipliers.get(s), rate));
    }
    BigInteger cPerEth =
        config.cPerEth() instanceof PriceSource.Feed feed
            ? feedAnswers.get(feed.address().toLowerCase(Locale.ROOT))
            : ((PriceSource.Fixed) config.cPerEth()).wad();
    return new StakeSnapshot(
        block,
        timestamp,
        List.copyOf(infos),
        cMultiplier,
        List.copyOf(operators),
        Set.copyOf(slashed),
        cPerEth);
  }

  private static void collectFeed(PriceSource s, Set<String> feeds) {
    if (s instanceof PriceSource.Feed f) {
      feeds.add(f.address().toLowerCase(Locale.ROOT));
    }
  }

  private static Words words(List<Response<?>> answers, int index, List<String> what) {
    EthCall call = (EthCall) answers.get(index);
    if (call.isReverted()) {
      throw new ChainReadException(what.get(index) + " reverted: " + call.getRevertReason());
    }
    String value = call.getValue();
    if (value == null || value.equals("0x")) {
      throw new ChainReadException(
          what.get(index)
              + " returned no data (wrong address, or no contract there at that block)");
    }
    return new Words(value, what.get(index));
  }
}
