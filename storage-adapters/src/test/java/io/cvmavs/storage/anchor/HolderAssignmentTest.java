package io.cvmavs.storage.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.cvm.proof.Keccak;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HolderAssignmentTest {
  static List<String> operators(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(String.format("0x%040x", i * 7919L));
    }
    return out;
  }

  static byte[] group(int i) {
    return Keccak.hash(("group-" + i).getBytes());
  }

  @Test
  void scoreIsKeccakOfGroupHashAndAddress() {
    byte[] g = group(1);
    byte[] input = new byte[52];
    System.arraycopy(g, 0, input, 0, 32);
    input[51] = 0x2a;
    assertThat(HolderAssignment.score(g, "0x000000000000000000000000000000000000002a"))
        .isEqualTo(Keccak.hash(input));
  }

  @Test
  void picksTheRHighestScoresDeterministicallyWhateverTheListOrder() {
    List<String> ops = operators(7);
    List<String> a = HolderAssignment.holders(group(1), ops, 3);
    List<String> reversed = new ArrayList<>(ops);
    java.util.Collections.reverse(reversed);
    assertThat(a).hasSize(3).doesNotHaveDuplicates();
    assertThat(HolderAssignment.holders(group(1), reversed, 3)).isEqualTo(a);
    // a's first holder has the highest score of all
    for (String o : ops) {
      assertThat(
              java.util.Arrays.compareUnsigned(
                  HolderAssignment.score(group(1), a.getFirst()),
                  HolderAssignment.score(group(1), o)))
          .isGreaterThanOrEqualTo(0);
    }
    assertThat(HolderAssignment.holders(group(1), ops.subList(0, 2), 3)).hasSize(2);
  }

  @Test
  void spreadsGroupsOverOperatorsAndMovesFewWhenOneJoins() {
    List<String> ops = operators(5);
    Map<String, Integer> load = new HashMap<>();
    int moved = 0;
    List<String> more = new ArrayList<>(ops);
    more.add(String.format("0x%040x", 999_999L));
    for (int i = 0; i < 500; i++) {
      List<String> h = HolderAssignment.holders(group(i), ops, 2);
      h.forEach(o -> load.merge(o, 1, Integer::sum));
      List<String> after = HolderAssignment.holders(group(i), more, 2);
      for (String o : h) {
        if (!after.contains(o)) {
          moved++;
        }
      }
      // only the newcomer can displace a holder
      assertThat(after.stream().filter(o -> !h.contains(o)).allMatch(o -> o.equals(more.getLast())))
          .isTrue();
    }
    assertThat(load).hasSize(5);
    assertThat(load.values()).allMatch(n -> n > 120 && n < 280); // 200 each on average
    assertThat(moved).isLessThan(250); // ≈ 500·2/6 expected
  }

  @Test
  void badInputIsNamed() {
    assertThatThrownBy(() -> HolderAssignment.holders(group(1), List.of(), 2))
        .hasMessageContaining("no registered operators");
    assertThatThrownBy(() -> HolderAssignment.holders(group(1), operators(2), 0))
        .hasMessageContaining("replication factor");
    String a = operators(1).getFirst();
    assertThatThrownBy(
            () ->
                HolderAssignment.holders(
                    group(1), List.of(a, a.toUpperCase().replace("0X", "0x")), 1))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> HolderAssignment.holders(group(1), List.of("0x12"), 1))
        .hasMessageContaining("not an address: 0x12");
  }
}
