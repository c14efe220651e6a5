package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.OperatorSetReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator set of a task from chain-io's {@link OperatorSetReader}: G1/G2 keys registered up to
 * the reference block (cached there: keys never change), each operator's checkpointed stake and
 * membership at the reference block, the quorum's total stake. The quorum APK is the sum of the
 * active members' G1 keys (the contract checks it against its APK checkpoint).
 */
public final class ChainOperatorSetLoader implements OperatorSetLoader {
  private final OperatorSetReader operatorSets;
  private final Map<String, G2Prepared> prepared = new ConcurrentHashMap<>();

  public ChainOperatorSetLoader(RegistryReader registry, long fromBlock) {
    this(new OperatorSetReader(registry, fromBlock));
  }

  public ChainOperatorSetLoader(OperatorSetReader operatorSets) {
    this.operatorSets = operatorSets;
  }

  @Override
  public OperatorSetSnapshot load(CvmTask task) {
    long ref = task.taskCreatedBlock();
    Map<String, OperatorSetSnapshot.Member> members = new HashMap<>();
    Map<Integer, List<G1Point>> activeKeys = new HashMap<>();
    for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(ref)) {
      Map<Integer, BigInteger> stakes = new HashMap<>();
      for (byte q : task.quorumNumbers()) {
        int quorum = q & 0xff;
        operatorSets
            .member(r, quorum, ref)
            .ifPresent(
                m -> {
                  stakes.put(quorum, m.stake());
                  activeKeys.computeIfAbsent(quorum, k -> new ArrayList<>()).add(r.pubkeyG1());
                });
      }
      String id = Bytes32.hex(r.operatorId());
      members.put(
          id,
          new OperatorSetSnapshot.Member(
              id,
              r.operator(),
              r.pubkeyG1(),
              r.pubkeyG2(),
              prepared.computeIfAbsent(id, k -> G2Prepared.of(r.pubkeyG2())),
              Map.copyOf(stakes)));
    }
    List<OperatorSetSnapshot.Quorum> quorums = new ArrayList<>();
    for (byte q : task.quorumNumbers()) {
      int quorum = q & 0xff;
      quorums.add(
          new OperatorSetSnapshot.Quorum(
              quorum,
              operatorSets.totalStake(quorum, ref),
              OperatorSetReader.apk(activeKeys.getOrDefault(quorum, List.of()))));
    }
    return new OperatorSetSnapshot(ref, members, quorums);
  }
}
