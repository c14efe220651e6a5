package io.cvmavs.consensus.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BisectionTest {
  private static final LightVerifier.Options OPTIONS = LightVerifier.Options.of(Duration.ofDays(1));
  private static final Instant NOW = SyntheticChain.T0.plusSeconds(5 * 200);

  /** Ten validators of equal power; the set slides by one validator every two heights. */
  private static SyntheticChain rotating() {
    return new SyntheticChain(80, h -> IntStream.range((int) h / 2, (int) h / 2 + 10).toArray());
  }

  @Test
  void bisectsAcrossAChangingValidatorSet() throws Exception {
    SyntheticChain chain = rotating();
    LightBlock trusted = chain.block(1);
    assertThat(LightVerifier.verify(trusted, chain.block(100), OPTIONS, NOW).verdict())
        .as("no overlap at all between heights 1 and 100")
        .isEqualTo(Verdict.NOT_ENOUGH_TRUST);

    List<LightBlock> trace = new Bisection(chain, OPTIONS).verifyTo(trusted, 100, NOW);

    assertThat(trace.getLast().height()).isEqualTo(100);
    assertThat(trace.size()).isBetween(5, 30);
    LightBlock previous = trusted;
    for (LightBlock b : trace) {
      assertThat(b.height()).isGreaterThan(previous.height());
      assertThat(LightVerifier.verify(previous, b, OPTIONS, NOW).verdict())
          .isEqualTo(Verdict.SUCCESS);
      previous = b;
    }
    assertThat(chain.requested.size()).as("blocks fetched").isLessThan(60);
  }

  @Test
  void unchangedSetVerifiesTheTargetDirectly() throws Exception {
    SyntheticChain chain = new SyntheticChain(4, h -> new int[] {0, 1, 2, 3});
    List<LightBlock> trace = new Bisection(chain, OPTIONS).verifyTo(chain.block(1), 150, NOW);
    assertThat(trace).extracting(LightBlock::height).containsExactly(150L);
    assertThat(chain.requested).containsExactly(150L);
  }

  @Test
  void anInvalidPivotStopsTheVerificationAndNamesIt() {
    SyntheticChain honest = rotating();
    Provider lying =
        height -> {
          LightBlock b = honest.lightBlock(height);
          if (height != 50) {
            return b;
          }
          var header =
              b.signedHeader().header().toBuilder()
                  .setAppHash(ByteString.copyFromUtf8("forged"))
                  .build();
          return new LightBlock(
              new SignedHeader(header, b.signedHeader().commit()),
              b.validators(),
              b.nextValidators());
        };
    assertThatThrownBy(() -> new Bisection(lying, OPTIONS).verifyTo(honest.block(1), 100, NOW))
        .isInstanceOf(Bisection.VerificationFailed.class)
        .hasMessageContaining("header 50 from trusted header 1")
        .hasMessageContaining("hashes to");
  }

  @Test
  void expiredTrustFailsAtTheFirstStep() {
    SyntheticChain chain = rotating();
    LightVerifier.Options shortTrust = LightVerifier.Options.of(Duration.ofSeconds(30));
    assertThatThrownBy(() -> new Bisection(chain, shortTrust).verifyTo(chain.block(1), 100, NOW))
        .isInstanceOf(Bisection.VerificationFailed.class)
        .hasMessageContaining("expired");
  }
}
