package io.cvmavs.operator.aggregator;

import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operators of a task's quorums at its reference block: who was active with what stake, each
 * quorum's total stake and aggregate key. Immutable.
 */
public record OperatorSetSnapshot(
    long referenceBlock, Map<String, Member> members, List<Quorum> quorums) {

  /**
   * A registered operator (by lower-case 0x operatorId) with its keys and per-quorum stakes; {@code
   * prepared} (the G2 key ready for pairings) may be null for an operator active in none of the
   * task's quorums, whose signatures are refused before any check.
   */
  public record Member(
      String operatorId,
      String address,
      G1Point pubkeyG1,
      G2Point pubkeyG2,
      G2Prepared prepared,
      Map<Integer, BigInteger> activeStake) {
    public byte[] operatorIdBytes() {
      return HexFormat.of().parseHex(operatorId.substring(2));
    }
  }

  /** A quorum at the reference block: total stake and the APK over its active members. */
  public record Quorum(int number, BigInteger totalStake, G1Point apk) {}

  public OperatorSetSnapshot {
    members = Map.copyOf(members);
    quorums = List.copyOf(quorums);
  }

  public Optional<Member> member(String operatorId) {
    return Optional.ofNullable(members.get(operatorId));
  }

  /** Active in at least one of the task's quorums. */
  public boolean isActive(Member m) {
    return quorums.stream().anyMatch(q -> m.activeStake().containsKey(q.number()));
  }
}
