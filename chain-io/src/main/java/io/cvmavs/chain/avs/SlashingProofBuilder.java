package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the registry-dependent parts of slashing calls from {@code CvmRegistry} at a task's
 * reference block: each operator's checkpoint indices ({@code stakeIndices} of {@link
 * SignatureProof} and {@link EquivocationProof}, {@code fulfilSignatureChallenge}), and the signer
 * sets of {@code fulfilSlashingRequest} — per task quorum, the operators active at {@code
 * taskCreatedBlock} minus the non-signers, operatorIds ascending, each with its stake index.
 * Operators are discovered from {@code NewPubkeyRegistration} events from {@code fromBlock} (the
 * deployment block) on.
 */
public final class SlashingProofBuilder {
  private static final Comparator<byte[]> ASCENDING =
      (a, b) -> new BigInteger(1, a).compareTo(new BigInteger(1, b));

  private final RegistryReader registry;
  private final long fromBlock;

  public SlashingProofBuilder(RegistryReader registry, long fromBlock) {
    this.registry = registry;
    this.fromBlock = fromBlock;
  }

  /** The operator's checkpoint index in each task quorum at the reference block (0 if none). */
  public List<Long> stakeIndices(CvmTask task, byte[] operatorId) {
    List<Long> out = new ArrayList<>();
    for (byte q : task.quorumNumbers()) {
      out.add(registry.stakeIndexAtBlock(operatorId, q & 0xff, task.taskCreatedBlock()));
    }
    return out;
  }

  /** A {@link SignatureProof} of one operator's signature with its stake indices. */
  public SignatureProof signatureProof(
      CvmTask task, G1Point pubkeyG1, G2Point pubkeyG2, G1Point signature) {
    return new SignatureProof(
        pubkeyG1,
        pubkeyG2,
        signature,
        stakeIndices(task, io.cvmavs.crypto.bls.Bls.operatorId(pubkeyG1)));
  }

  /**
   * An {@link EquivocationProof}: {@code signatureA} over response A, {@code signatureB} over B.
   */
  public EquivocationProof equivocationProof(
      CvmTask task, G1Point pubkeyG1, G2Point pubkeyG2, G1Point signatureA, G1Point signatureB) {
    return new EquivocationProof(
        pubkeyG1,
        pubkeyG2,
        signatureA,
        signatureB,
        stakeIndices(task, io.cvmavs.crypto.bls.Bls.operatorId(pubkeyG1)));
  }

  /**
   * The signer set of every task quorum: operators active at {@code task.taskCreatedBlock} that are
   * not in {@code nonSignerIds}, ascending. The contract checks that their stakes add up to the
   * recorded signed stake, so nobody can be left out.
   */
  public List<SignerSet> signerSets(CvmTask task, List<byte[]> nonSignerIds) {
    long ref = task.taskCreatedBlock();
    Set<String> nonSigners = new HashSet<>();
    nonSignerIds.forEach(id -> nonSigners.add(Bytes32.hex(id)));
    Map<String, byte[]> candidates = new LinkedHashMap<>();
    for (RegistryReader.PubkeyRegistration r : registry.pubkeyRegistrations(fromBlock, ref)) {
      String id = Bytes32.hex(r.operatorId());
      if (!nonSigners.contains(id)) {
        candidates.put(id, r.operatorId());
      }
    }
    List<byte[]> sorted = new ArrayList<>(candidates.values());
    sorted.sort(ASCENDING);
    List<SignerSet> sets = new ArrayList<>();
    for (byte q : task.quorumNumbers()) {
      int quorum = q & 0xff;
      List<byte[]> ids = new ArrayList<>();
      List<Long> indices = new ArrayList<>();
      for (byte[] id : sorted) {
        long index = registry.stakeIndexAtBlock(id, quorum, ref);
        if (registry.stakeAtIndex(id, quorum, ref, index).active()) {
          ids.add(id);
          indices.add(index);
        }
      }
      sets.add(new SignerSet(ids, indices));
    }
    return sets;
  }
}
