package io.cvmavs.chain.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RewardsTally} over a fake chain that records the block ranges it is asked to scan. */
class RewardsTallyTest {
  private static final String AVS = "0x" + "5a".repeat(20);
  private static final String TOKEN = "0x" + "c0".repeat(20);
  private static final String OTHER_TOKEN = "0x" + "d0".repeat(20);
  private static final String ALICE = "0x" + "a1".repeat(20);
  private static final String BOB = "0x" + "b2".repeat(20);

  private static final class FakeChain implements RewardsTally.Chain {
    long head = 100;
    final List<RewardsReader.Submitted> logs = new ArrayList<>();
    final List<long[]> scanned = new ArrayList<>();
    final Map<String, BigInteger> claimed = new HashMap<>();

    void submit(long block, String token, String operator, long amount) {
      logs.add(
          new RewardsReader.Submitted(
              block,
              "0x" + Long.toHexString(block),
              AVS,
              0,
              BigInteger.valueOf(logs.size()),
              new RewardsSubmission(
                  List.of(),
                  token,
                  List.of(
                      new RewardsSubmission.OperatorReward(operator, BigInteger.valueOf(amount))),
                  86_400 * block,
                  86_400,
                  "fees")));
    }

    @Override
    public long head() {
      return head;
    }

    @Override
    public List<RewardsReader.Submitted> submissions(String avs, long fromBlock, long toBlock) {
      assertThat(avs).isEqualTo(AVS);
      scanned.add(new long[] {fromBlock, toBlock});
      return logs.stream().filter(s -> s.block() >= fromBlock && s.block() <= toBlock).toList();
    }

    @Override
    public long distributionRootsLength() {
      return 3;
    }

    @Override
    public long currRewardsCalculationEndTimestamp() {
      return 86_400 * 7;
    }

    @Override
    public int defaultOperatorSplitBips() {
      return 1000;
    }

    @Override
    public BigInteger cumulativeClaimed(String earner, String token) {
      assertThat(token).isEqualTo(TOKEN);
      return claimed.getOrDefault(earner, BigInteger.ZERO);
    }
  }

  @Test
  void aSecondReadScansOnlyTheNewBlocksAndKeepsRunningTotals() {
    FakeChain chain = new FakeChain();
    chain.submit(20, TOKEN, ALICE, 5);
    chain.submit(30, OTHER_TOKEN, ALICE, 1_000); // another token: left out
    chain.submit(90, TOKEN, ALICE, 7);
    RewardsTally tally = new RewardsTally(chain, AVS, "0x" + "C0".repeat(20), 10);

    OperatorRewards first = tally.read(List.of("0x" + "A1".repeat(20))).get(ALICE);
    // settled blocks kept, the last CONFIRMATIONS (89..100) read again each time
    assertThat(chain.scanned).containsExactly(new long[] {10, 88}, new long[] {89, 100});
    assertThat(first.earned()).isEqualTo(BigInteger.valueOf(12));
    assertThat(first.submissions()).extracting(OperatorRewards.Paid::txHash).hasSize(2);

    chain.submit(120, TOKEN, ALICE, 30);
    chain.head = 130;
    chain.claimed.put(ALICE, BigInteger.valueOf(10));
    OperatorRewards second = tally.read(List.of(ALICE)).get(ALICE);

    assertThat(chain.scanned)
        .containsExactly(
            new long[] {10, 88}, new long[] {89, 100}, new long[] {89, 118}, new long[] {119, 130});
    assertThat(tally.scannedTo()).isEqualTo(130 - RewardsTally.CONFIRMATIONS);
    assertThat(second.earned()).isEqualTo(BigInteger.valueOf(42));
    assertThat(second.claimed()).isEqualTo(BigInteger.valueOf(10));
    assertThat(second.unclaimed()).isEqualTo(BigInteger.valueOf(32));
    assertThat(second.submissions())
        .extracting(OperatorRewards.Paid::amount)
        .containsExactly(BigInteger.valueOf(5), BigInteger.valueOf(7), BigInteger.valueOf(30));
    assertThat(second.token()).isEqualTo(TOKEN);
    assertThat(second.distributionRoots()).isEqualTo(3);
    assertThat(second.rootsCoverUntil()).isEqualTo(86_400 * 7);
    assertThat(second.operatorSplitBips()).isEqualTo(1000);
  }

  @Test
  void noNewBlockScansOnlyTheUnsettledTailAndClaimsAreReadAgain() {
    FakeChain chain = new FakeChain();
    chain.submit(50, TOKEN, ALICE, 9);
    RewardsTally tally = new RewardsTally(chain, AVS, TOKEN, 0);
    tally.read(List.of(ALICE));

    chain.claimed.put(ALICE, BigInteger.valueOf(20)); // claimed more than earned
    OperatorRewards r = tally.read(List.of(ALICE)).get(ALICE);

    assertThat(chain.scanned)
        .containsExactly(new long[] {0, 88}, new long[] {89, 100}, new long[] {89, 100});
    assertThat(r.earned()).isEqualTo(BigInteger.valueOf(9));
    assertThat(r.unclaimed()).isZero();
  }

  @Test
  void anOperatorAskedAboutLaterHasItsEarlierSubmissions() {
    FakeChain chain = new FakeChain();
    chain.submit(40, TOKEN, BOB, 11);
    RewardsTally tally = new RewardsTally(chain, AVS, TOKEN, 0);
    assertThat(tally.read(List.of(ALICE))).containsOnlyKeys(ALICE);
    assertThat(tally.read(List.of(ALICE)).get(ALICE).earned()).isZero();

    chain.head = 150;
    Map<String, OperatorRewards> both = tally.read(List.of(BOB, ALICE));
    assertThat(both).containsOnlyKeys(BOB, ALICE);
    assertThat(both.keySet()).containsExactly(BOB, ALICE);
    assertThat(both.get(BOB).earned()).isEqualTo(BigInteger.valueOf(11));
    assertThat(both.get(ALICE).submissions()).isEmpty();
  }

  @Test
  void aSubmissionInTheUnsettledTailThatAReorganisationDropsIsNoLongerCounted() {
    FakeChain chain = new FakeChain();
    chain.submit(50, TOKEN, ALICE, 3); // settled
    chain.submit(95, TOKEN, ALICE, 40); // within CONFIRMATIONS of the head (100)
    RewardsTally tally = new RewardsTally(chain, AVS, TOKEN, 0);
    assertThat(tally.read(List.of(ALICE)).get(ALICE).earned()).isEqualTo(BigInteger.valueOf(43));

    chain.logs.removeIf(s -> s.block() == 95); // reorganised away ...
    chain.submit(99, TOKEN, ALICE, 41); // ... and mined again elsewhere, with another amount
    chain.head = 101;
    OperatorRewards r = tally.read(List.of(ALICE)).get(ALICE);
    assertThat(r.earned()).isEqualTo(BigInteger.valueOf(44));
    assertThat(r.submissions())
        .extracting(OperatorRewards.Paid::amount)
        .containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(41));
  }

  @Test
  void readIsOneReadOfAFreshTally() {
    FakeChain chain = new FakeChain();
    chain.submit(60, TOKEN, ALICE, 4);
    RewardsContracts at = new RewardsContracts(AVS, "0x" + "cc".repeat(20), "0x" + "fe".repeat(20));
    OperatorRewards r = OperatorRewards.read(chain, at, ALICE, TOKEN, 5);
    assertThat(chain.scanned).containsExactly(new long[] {5, 88}, new long[] {89, 100});
    assertThat(r.operator()).isEqualTo(ALICE);
    assertThat(r.earned()).isEqualTo(BigInteger.valueOf(4));
  }
}
