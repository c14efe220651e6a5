package io.cvmavs.consensus.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proposer rotation against CometBFT's own expectations. The sequences and counts below are the
 * published ones of CometBFT's {@code types/validator_set_test.go} ({@code TestProposerSelection1},
 * {@code TestProposerSelection2}), written here as numbers.
 */
class ProposerPrioritiesTest {
  private static ProposerPriorities.Entry v(String name, long power) {
    return new ProposerPriorities.Entry(name.getBytes(StandardCharsets.UTF_8), null, power, 0);
  }

  private static ProposerPriorities.Entry v(byte[] address, long power) {
    return new ProposerPriorities.Entry(address, null, power, 0);
  }

  private static String name(ProposerPriorities.Entry e) {
    return new String(e.address(), StandardCharsets.UTF_8);
  }

  /** TestProposerSelection1: foo 1000, bar 300, baz 330; 99 proposers. */
  @Test
  void weightedSequenceMatchesCometBft() {
    ProposerPriorities set =
        ProposerPriorities.create(List.of(v("foo", 1000), v("bar", 300), v("baz", 330)));
    List<String> proposers = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      proposers.add(name(set.proposer()));
      set = set.increment(1);
    }
    String expected =
        "foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar"
            + " foo foo baz foo bar foo foo baz foo bar foo foo baz foo foo bar foo baz foo foo bar"
            + " foo baz foo foo bar foo baz foo foo bar foo baz foo foo foo baz bar foo foo foo baz"
            + " foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo bar foo foo baz foo"
            + " foo bar foo baz foo foo bar foo baz foo foo bar foo baz foo foo";
    assertThat(String.join(" ", proposers)).isEqualTo(expected);
  }

  private static byte[] addr(int last) {
    byte[] a = new byte[20];
    a[19] = (byte) last;
    return a;
  }

  /** TestProposerSelection2: equal powers go round in address order; 400 vs 401; 4:5:3 shares. */
  @Test
  void equalPowersRotateByAddressAndSharesFollowPower() {
    ProposerPriorities set =
        ProposerPriorities.create(List.of(v(addr(0), 100), v(addr(1), 100), v(addr(2), 100)));
    for (int i = 0; i < 15; i++) {
      assertThat(set.proposer().address()).isEqualTo(addr(i % 3));
      set = set.increment(1);
    }

    set = ProposerPriorities.create(List.of(v(addr(0), 100), v(addr(1), 100), v(addr(2), 400)));
    assertThat(set.proposer().address()).isEqualTo(addr(2));
    assertThat(set.increment(1).proposer().address()).isEqualTo(addr(0));

    set = ProposerPriorities.create(List.of(v(addr(0), 100), v(addr(1), 100), v(addr(2), 401)));
    assertThat(set.proposer().address()).isEqualTo(addr(2));
    set = set.increment(1);
    assertThat(set.proposer().address()).isEqualTo(addr(2));
    assertThat(set.increment(1).proposer().address()).isEqualTo(addr(0));

    set = ProposerPriorities.create(List.of(v(addr(0), 4), v(addr(1), 5), v(addr(2), 3)));
    int[] count = new int[3];
    for (int i = 0; i < 120; i++) {
      count[set.proposer().address()[19]]++;
      set = set.increment(1);
    }
    assertThat(count).containsExactly(40, 50, 30);
  }

  /** Incrementing k times at once equals k single increments (rounds use increment(r)). */
  @Test
  void incrementTimesEqualsRepeatedIncrements() {
    ProposerPriorities set =
        ProposerPriorities.create(List.of(v("foo", 1000), v("bar", 300), v("baz", 330)));
    ProposerPriorities stepwise = set;
    for (int i = 0; i < 7; i++) {
      stepwise = stepwise.increment(1);
    }
    assertThat(set.increment(7).proposer().address()).isEqualTo(stepwise.proposer().address());
  }

  /**
   * Updates: a new validator starts at -1.125 × (total after updates, before removals), then the
   * set is centred; power 0 removes; the canonical order is power descending, address ascending.
   */
  @Test
  void updatesFollowCometBftRules() {
    ProposerPriorities set =
        ProposerPriorities.create(List.of(v(addr(1), 10), v(addr(2), 10), v(addr(3), 10)));
    // After create: priorities 10+... centred; add addr(4) power 30 -> total 60, new at -67.
    long[] before = set.entries().stream().mapToLong(ProposerPriorities.Entry::priority).toArray();
    ProposerPriorities updated = set.update(List.of(v(addr(4), 30), v(addr(2), 0)));
    assertThat(updated.entries())
        .extracting(e -> e.address()[19])
        .containsExactly((byte) 4, (byte) 1, (byte) 3);
    long sumOld = before[0] + before[2]; // addr 1 and 3 kept their priorities before centring
    long newcomer = -(60 + (60 >> 3));
    long avg = Math.floorDiv(sumOld + newcomer, 3);
    assertThat(updated.entries().get(0).priority()).isEqualTo(newcomer - avg);
    assertThat(updated.totalPower()).isEqualTo(50);

    assertThatThrownBy(() -> set.update(List.of(v(addr(9), 0))))
        .hasMessageContaining("not in the set");
    assertThatThrownBy(() -> set.update(List.of(v(addr(1), 0), v(addr(2), 0), v(addr(3), 0))))
        .hasMessageContaining("empty set");
  }
}
