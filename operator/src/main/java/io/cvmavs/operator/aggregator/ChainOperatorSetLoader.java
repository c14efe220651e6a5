package io.cvmavs.operator.aggregator;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the operator set from {@code CvmRegistry}: G1/G2 keys from {@code NewPubkeyRegistration}
 * events up to the reference block (cached: keys never change), each operator's checkpointed stake
 * and membership at the reference block, the quorum's total stake. The quorum APK is the sum of the
 * active members' G1 keys (the contract checks it against its APK checkpoint).
 */
public final class ChainOperatorSetLoader implements OperatorSetLoader {
  private final RegistryReader registry;
  private final long fromBlock;
  private final Map<String, RegistryReader.PubkeyRegistration> keys = new ConcurrentHashMap<>();
  private final Map<String, G2Prepared> prepared = new ConcurrentHashMap<>();
  private long scannedTo;

  public ChainOperatorSetLoader(RegistryReader registry, long fromBlock) {
    this.registry = registry;
    this.fromBlock = fromBlock;
    this.scannedTo = fromBlock - 1;
  }

  @Override
  public synchronized OperatorSetSnapshot load(CvmTask task) {
    long ref = task.taskCreatedBlock();
    if (ref > scannedTo) {
      for (RegistryReader.PubkeyRegistration r : registry.pubkeyRegistrations(scannedTo + 1, ref)) {
        keys.put(Bytes32.hex(r.operatorId()), r);
      }
      scannedTo = ref;
    }
    Map<String, OperatorSetSnapshot.Member> members = new HashMap<>();
    Map<Integer, List<G1Point>> activeKeys = new HashMap<>();
    for (RegistryReader.PubkeyRegistration r : keys.values()) {
      if (r.block() > ref) {
        continue;
      }
      Map<Integer, BigInteger> stakes = new HashMap<>();
      for (byte q : task.quorumNumbers()) {
        int quorum = q & 0xff;
        RegistryReader.StakeUpdate s = registry.stakeAtBlock(r.operatorId(), quorum, ref);
        if (s.active()) {
          stakes.put(quorum, s.stake());
          activeKeys.computeIfAbsent(quorum, k -> new ArrayList<>()).add(r.pubkeyG1());
        }
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
      List<G1Point> pks = activeKeys.getOrDefault(quorum, List.of());
      quorums.add(
          new OperatorSetSnapshot.Quorum(
              quorum,
              registry.totalStakeAtBlock(quorum, ref),
              pks.isEmpty() ? G1Point.INFINITY : Bls.aggregatePublicKeysG1(pks)));
    }
    return new OperatorSetSnapshot(ref, members, quorums);
  }
}
