package io.cvmavs.chain.avs;

import io.cvmavs.chain.ChainException;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one operator-set service: who is in a quorum at a block, with which stake, checkpoint index
 * and keys, read from {@code CvmRegistry}. Keys come from {@code NewPubkeyRegistration} events from
 * {@code fromBlock} (the deployment block) on, scanned once and cached (a registered key never
 * changes); membership and stake from the stake checkpoints at the block. Used by the aggregator
 * (operator set and APKs of a task), the challenger (signer sets and stake indices of slashing
 * calls) and the monitor (operator set of a task, current stakes). Thread-safe.
 */
public final class OperatorSetReader {
  private static final Comparator<byte[]> ASCENDING =
      (a, b) -> new BigInteger(1, a).compareTo(new BigInteger(1, b));

  /** One operator active in one quorum at a block. */
  public record Member(
      RegistryReader.PubkeyRegistration registration,
      int quorum,
      long block,
      long stakeIndex,
      BigInteger stake) {
    public byte[] operatorId() {
      return registration.operatorId();
    }
  }

  private final RegistryReader registry;
  private final List<RegistryReader.PubkeyRegistration> registrations = new ArrayList<>();
  private long scannedTo;

  public OperatorSetReader(RegistryReader registry, long fromBlock) {
    this.registry = registry;
    this.scannedTo = fromBlock - 1;
  }

  public RegistryReader registry() {
    return registry;
  }

  /** Every key registered up to {@code block}, in registration order. */
  public synchronized List<RegistryReader.PubkeyRegistration> registrations(long block) {
    if (block > scannedTo) {
      registrations.addAll(registry.pubkeyRegistrations(Math.max(0, scannedTo + 1), block));
      scannedTo = block;
    }
    return registrations.stream().filter(r -> r.block() <= block).toList();
  }

  /**
   * The operator's membership of {@code quorum} at {@code block}: empty if it has no stake
   * checkpoint there (the registry reverts) or is not active in it.
   */
  public Optional<Member> member(RegistryReader.PubkeyRegistration r, int quorum, long block) {
    long index;
    try {
      index = registry.stakeIndexAtBlock(r.operatorId(), quorum, block);
    } catch (ChainException.Reverted noCheckpoint) {
      return Optional.empty();
    }
    RegistryReader.StakeUpdate u = registry.stakeAtIndex(r.operatorId(), quorum, block, index);
    return u.active()
        ? Optional.of(new Member(r, quorum, block, index, u.stake()))
        : Optional.empty();
  }

  /** The operators active in {@code quorum} at {@code block}, operatorId ascending. */
  public List<Member> members(int quorum, long block) {
    List<RegistryReader.PubkeyRegistration> sorted = new ArrayList<>(registrations(block));
    sorted.sort(Comparator.comparing(RegistryReader.PubkeyRegistration::operatorId, ASCENDING));
    List<Member> out = new ArrayList<>();
    for (RegistryReader.PubkeyRegistration r : sorted) {
      member(r, quorum, block).ifPresent(out::add);
    }
    return out;
  }

  /** The quorum's total stake at {@code block} (its checkpoint). */
  public BigInteger totalStake(int quorum, long block) {
    return registry.totalStakeAtBlock(quorum, block);
  }

  /** The aggregate G1 key of {@code keys} (the point at infinity for none). */
  public static G1Point apk(List<G1Point> keys) {
    return keys.isEmpty() ? G1Point.INFINITY : Bls.aggregatePublicKeysG1(keys);
  }
}
