package io.cvmavs.storage.anchor;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.cvm.proof.Keccak;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which operators keep a block group (docs/STORAGE.md "Holders"): rendezvous (highest random
 * weight) hashing. Each operator's score for a group is {@code keccak256(groupHash ‖ operator)} (32
 * + 20 bytes) read as an unsigned 256-bit number; the {@code r} highest scores hold the group (all
 * operators when there are fewer), in descending score order. Anyone can recompute it from the
 * group hash and the operator list; an operator joining or leaving moves only the groups whose top
 * {@code r} it enters or leaves.
 */
public final class HolderAssignment {
  private HolderAssignment() {}

  /** The score of {@code operator} for {@code groupHash}. */
  public static byte[] score(byte[] groupHash, String operator) {
    byte[] input = new byte[52];
    System.arraycopy(Bytes32.check("groupHash", groupHash), 0, input, 0, 32);
    System.arraycopy(address(operator), 0, input, 32, 20);
    return Keccak.hash(input);
  }

  /**
   * The {@code replication} holders of {@code groupHash} among {@code operators} (lower-case
   * addresses, highest score first).
   *
   * @throws IllegalArgumentException naming the problem: no operators, a repeated or malformed
   *     address, a replication factor below 1
   */
  public static List<String> holders(byte[] groupHash, List<String> operators, int replication) {
    if (replication < 1) {
      throw new IllegalArgumentException("replication factor must be ≥ 1, got " + replication);
    }
    if (operators.isEmpty()) {
      throw new IllegalArgumentException("no registered operators to assign the group to");
    }
    Set<String> seen = new HashSet<>();
    List<String> ops = new ArrayList<>();
    for (String o : operators) {
      address(o);
      String lower = o.toLowerCase(Locale.ROOT);
      if (!seen.add(lower)) {
        throw new IllegalArgumentException("operator listed twice: " + o);
      }
      ops.add(lower);
    }
    Comparator<String> byScore =
        (a, b) -> Arrays.compareUnsigned(score(groupHash, b), score(groupHash, a));
    ops.sort(byScore);
    return List.copyOf(ops.subList(0, Math.min(replication, ops.size())));
  }

  private static byte[] address(String a) {
    if (a == null || !a.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException("operator is not an address: " + a);
    }
    return HexFormat.of().parseHex(a.substring(2));
  }
}
