package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.OperatorSetReader;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operator set of a task from chain-io's {@link OperatorSetReader}: G1/G2 keys registered up to
 * the reference block (cached there: keys never change), prepared G2 keys kept per operator in a
 * {@link PreparedKeyCache} (pruned of operators the newest task no longer has), each operator's
 * checkpointed stake and membership at the reference block, the quorum's total stake. The quorum
 * APK is the sum of the active members' G1 keys (the contract checks it against its APK
 * checkpoint).
 */
public final class ChainOperatorSetLoader implements OperatorSetLoader {
  private final OperatorSetReader operatorSets;
  private final PreparedKeyCache prepared;
  private long newestReference = -1;

  public ChainOperatorSetLoader(RegistryReader registry, long fromBlock) {
    this(new OperatorSetReader(registry, fromBlock));
  }

  public ChainOperatorSetLoader(OperatorSetReader operatorSets) {
    this(operatorSets, new PreparedKeyCache());
  }

  /** Keeps the operators' prepared G2 keys in {@code prepared}. */
  public ChainOperatorSetLoader(OperatorSetReader operatorSets, PreparedKeyCache prepared) {
    this.operatorSets = operatorSets;
    this.prepared = prepared;
  }

  @Override
  public OperatorSetSnapshot load(CvmTask task) {
    long ref = task.taskCreatedBlock();
    Map<String, OperatorSetSnapshot.Member> members = new HashMap<>();
    Map<Integer, List<G1Point>> activeKeys = new HashMap<>();
    Set<String> active = new HashSet<>();
    for (RegistryReader.PubkeyRegistration r : operatorSets.registrations(ref)) {
      Map<Integer, BigInteger> stakes = new HashMap<>();
      for (byte q : task.quorumNumbers()) {
        int quorum = q & 0xff;
        operatorSets
            .member(r, quorum, ref)
            .ifPresent(
                m -> {
                  stakes.put(quorum, m.stake());
                  active.add(r.operator());
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
              stakes.isEmpty() ? null : prepared.prepared(r.operator(), r.pubkeyG2()),
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
    pruneDeregistered(ref, active);
    return new OperatorSetSnapshot(ref, members, quorums);
  }

  /**
   * Operators active in none of the newest task's quorums (deregistered) lose their cached key; one
   * that registers again is prepared again. A task older than one already loaded prunes nothing.
   */
  private synchronized void pruneDeregistered(long ref, Set<String> active) {
    if (ref >= newestReference) {
      newestReference = ref;
      prepared.retainOnly(active);
    }
  }
}
