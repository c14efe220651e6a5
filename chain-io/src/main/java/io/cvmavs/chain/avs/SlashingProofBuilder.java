package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the registry-dependent parts of slashing calls from {@code CvmRegistry} at a task's
 * reference block: each operator's checkpoint indices ({@code stakeIndices} of {@link
 * SignatureProof} and {@link EquivocationProof}, {@code fulfilSignatureChallenge}), and the signer
 * sets of {@code fulfilSlashingRequest} — per task quorum, the operators active at {@code
 * taskCreatedBlock} minus the non-signers, operatorIds ascending, each with its stake index. The
 * operator sets come from {@link OperatorSetReader}.
 */
public final class SlashingProofBuilder {
  private final RegistryReader registry;
  private final OperatorSetReader operatorSets;

  public SlashingProofBuilder(RegistryReader registry, long fromBlock) {
    this(new OperatorSetReader(registry, fromBlock));
  }

  public SlashingProofBuilder(OperatorSetReader operatorSets) {
    this.registry = operatorSets.registry();
    this.operatorSets = operatorSets;
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
    List<SignerSet> sets = new ArrayList<>();
    for (byte q : task.quorumNumbers()) {
      List<byte[]> ids = new ArrayList<>();
      List<Long> indices = new ArrayList<>();
      for (OperatorSetReader.Member m : operatorSets.members(q & 0xff, ref)) {
        if (!nonSigners.contains(Bytes32.hex(m.operatorId()))) {
          ids.add(m.operatorId());
          indices.add(m.stakeIndex());
        }
      }
      sets.add(new SignerSet(ids, indices));
    }
    return sets;
  }
}
