package io.cvmavs.storage.anchor;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.storage.backend.StorageBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An audit round attested by the AVS's BLS quorum (docs/STORAGE.md "Attested outcomes"). Each
 * auditing operator runs {@link GroupAudit} on the holder's copy with the round's seed and signs
 * the typed digest of its verdict ({@link #attest}); the aggregator checks every signature against
 * the signer's registered key, takes the verdict with the most signers, and builds the aggregate
 * with its non-signer data at the seed block ({@link #aggregate}) for {@code
 * StorageAudit.submitOutcome}, which checks it against the registry's stake-weighted quorum.
 */
public final class AttestedAudit {
  private AttestedAudit() {}

  /** An operator of the quorum at the reference block, with its registered keys. */
  public record Member(String operator, byte[] operatorId, G1Point pubkeyG1, G2Point pubkeyG2) {}

  /** One auditor's signed verdict. */
  public record Attestation(byte[] operatorId, boolean passed, G1Point signature) {}

  /** The round as the aggregator submits it. */
  public record Aggregate(
      StorageAuditClient.Outcome outcome,
      NonSignerStakesAndSignature signature,
      List<String> signers,
      List<String> nonSigners) {}

  /**
   * The auditing operator's part: audits {@code holder}'s copy (served by {@code holderCopy}) of
   * {@code group} with the round's {@code seed}, and signs the digest of its verdict with {@code
   * key}.
   */
  public static Attestation attest(
      BlsKeyPair key,
      StorageAuditClient audit,
      AnchoredGroup group,
      String holder,
      StorageBackend holderCopy,
      byte[] seed) {
    GroupAudit.Result r = GroupAudit.run(holderCopy, group, seed);
    byte[] digest =
        audit.outcomeDigest(group.groupHash(), holder, seed, group.auditRoot(), r.passed());
    return new Attestation(key.operatorId(), r.passed(), key.sign(digest));
  }

  /**
   * The operators active in {@code quorum} at {@code referenceBlock} whose BLS keys were registered
   * in [fromBlock, referenceBlock].
   */
  public static List<Member> members(
      RegistryReader registry, int quorum, long fromBlock, long referenceBlock) {
    Map<String, Member> byId = new LinkedHashMap<>();
    for (RegistryReader.PubkeyRegistration r :
        registry.pubkeyRegistrations(fromBlock, referenceBlock)) {
      boolean active;
      try {
        active = registry.stakeAtBlock(r.operatorId(), quorum, referenceBlock).active();
      } catch (ChainException e) {
        active = false; // no stake checkpoint at the reference block
      }
      if (active) {
        byId.put(
            Bytes32.hex(r.operatorId()),
            new Member(
                r.operator().toLowerCase(Locale.ROOT), r.operatorId(), r.pubkeyG1(), r.pubkeyG2()));
      }
    }
    return List.copyOf(byId.values());
  }

  /**
   * Checks each attestation's signature over the digest of its verdict (recomputed here) against
   * its signer's registered key, keeps the verdict with the most signers (ties: failed), and builds
   * the aggregate with the registry's checkpoint hints at {@code seedBlock}.
   *
   * @throws IllegalArgumentException naming the operator whose attestation is not a member's, is
   *     repeated, or whose signature does not verify
   */
  public static Aggregate aggregate(
      RegistryReader registry,
      StorageAuditClient audit,
      int quorum,
      List<Member> members,
      AnchoredGroup group,
      String holder,
      long seedBlock,
      byte[] seed,
      List<Attestation> attestations) {
    Map<String, Member> byId = new HashMap<>();
    members.forEach(m -> byId.put(Bytes32.hex(m.operatorId()), m));
    byte[][] digests = {
      audit.outcomeDigest(group.groupHash(), holder, seed, group.auditRoot(), false),
      audit.outcomeDigest(group.groupHash(), holder, seed, group.auditRoot(), true)
    };
    Map<Boolean, Map<String, Attestation>> byVerdict = new HashMap<>();
    byVerdict.put(false, new LinkedHashMap<>());
    byVerdict.put(true, new LinkedHashMap<>());
    for (Attestation a : attestations) {
      String id = Bytes32.hex(a.operatorId());
      Member m = byId.get(id);
      if (m == null) {
        throw new IllegalArgumentException(
            "attestation by operatorId " + id + ", not an operator of quorum " + quorum);
      }
      if (byVerdict.get(false).containsKey(id) || byVerdict.get(true).containsKey(id)) {
        throw new IllegalArgumentException("operator " + m.operator() + " attested twice");
      }
      if (!Bls.verify(m.pubkeyG2(), digests[a.passed() ? 1 : 0], a.signature())) {
        throw new IllegalArgumentException(
            "attestation of operator " + m.operator() + ": BLS signature does not verify");
      }
      byVerdict.get(a.passed()).put(id, a);
    }
    boolean passed = byVerdict.get(true).size() > byVerdict.get(false).size();
    Map<String, Attestation> signing = byVerdict.get(passed);
    if (signing.isEmpty()) {
      throw new IllegalArgumentException("no attestations to aggregate");
    }
    List<Member> nonSigners = new ArrayList<>();
    List<G1Point> sigs = new ArrayList<>();
    List<G2Point> keys = new ArrayList<>();
    List<String> signers = new ArrayList<>();
    for (Member m : members) {
      Attestation a = signing.get(Bytes32.hex(m.operatorId()));
      if (a == null) {
        nonSigners.add(m);
      } else {
        sigs.add(a.signature());
        keys.add(m.pubkeyG2());
        signers.add(m.operator());
      }
    }
    nonSigners.sort((x, y) -> Arrays.compareUnsigned(x.operatorId(), y.operatorId()));
    List<byte[]> nonSignerIds = nonSigners.stream().map(Member::operatorId).toList();
    RegistryReader.CheckSignaturesIndices idx =
        registry.checkSignaturesIndices(new byte[] {(byte) quorum}, seedBlock, nonSignerIds);
    NonSignerStakesAndSignature sig =
        new NonSignerStakesAndSignature(
            nonSigners.stream().map(Member::pubkeyG1).toList(),
            List.of(Bls.aggregatePublicKeysG1(members.stream().map(Member::pubkeyG1).toList())),
            Bls.aggregatePublicKeysG2(keys),
            Bls.aggregateSignatures(sigs),
            idx.quorumApkIndices(),
            idx.totalStakeIndices(),
            idx.nonSignerIndices());
    return new Aggregate(
        new StorageAuditClient.Outcome(group.groupHash(), holder, seedBlock, passed),
        sig,
        signers,
        nonSigners.stream().map(Member::operator).toList());
  }
}
