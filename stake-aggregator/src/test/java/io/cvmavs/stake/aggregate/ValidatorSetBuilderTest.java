package io.cvmavs.stake.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.stake.StakeFixtures;
import io.cvmavs.stake.aggregate.OperatorReport.Status;
import io.cvmavs.stake.chain.StakeSnapshot;
import io.cvmavs.stake.chain.StakeSnapshot.OperatorState;
import io.cvmavs.stake.chain.StakeSnapshot.StrategyInfo;
import io.cvmavs.stake.power.PowerPolicy;
import io.cvmavs.stake.validator.ConsensusKey;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ValidatorSetBuilderTest {
  private static final BigInteger E18 = BigInteger.TEN.pow(18);

  private static BigInteger t(long tokens) {
    return E18.multiply(BigInteger.valueOf(tokens));
  }

  @Test
  void formulaStatusesAndReport() {
    StakeFixtures f = new StakeFixtures(9);
    ConsensusKey k1 = f.key();
    ConsensusKey k2 = f.key();
    ConsensusKey k3 = f.key();
    byte[] notAPoint = new byte[32];
    notAPoint[0] = 2;
    // Two strategies: 2 $C per share with weight 1.5; 0.5 $C per share with weight 1; $C weight 2.
    List<StrategyInfo> strategies =
        List.of(
            new StrategyInfo(
                "0x00000000000000000000000000000000000000a1",
                E18.multiply(BigInteger.valueOf(3)).divide(BigInteger.TWO),
                t(2)),
            new StrategyInfo(
                "0x00000000000000000000000000000000000000a2", E18, E18.divide(BigInteger.TWO)));
    List<OperatorState> ops =
        List.of(
            new OperatorState("0x01", Optional.of(k1.bytes()), t(10), List.of(t(10), t(4))),
            new OperatorState(
                "0x02", Optional.of(k2.bytes()), BigInteger.ZERO, List.of(t(1), BigInteger.ZERO)),
            new OperatorState("0x03", Optional.empty(), t(100), List.of(t(100), t(100))),
            new OperatorState(
                "0x04", Optional.of(notAPoint), t(100), List.of(BigInteger.ZERO, BigInteger.ZERO)),
            new OperatorState(
                "0x05", Optional.of(k3.bytes()), t(50), List.of(BigInteger.ZERO, BigInteger.ZERO)),
            new OperatorState(
                "0x06",
                Optional.of(f.key().bytes()),
                BigInteger.ZERO,
                List.of(BigInteger.ZERO, BigInteger.ZERO)));
    StakeSnapshot snapshot =
        new StakeSnapshot(42, 1_700_000_000L, strategies, t(2), ops, Set.of("0x05"), t(1000));

    EpochSet e =
        ValidatorSetBuilder.build(7, snapshot, new PowerPolicy(E18, 1, 10, PowerPolicy.NO_CAP));

    // op1: restaked 10×2 = 20 $C (weight 30) + 4×0.5 = 2 $C (weight 2); $C 10 (weight 20) → 52.
    OperatorReport o1 = e.operators().get(0);
    assertThat(o1.weight()).isEqualTo(t(52));
    assertThat(o1.valueC()).isEqualTo(t(32));
    assertThat(o1.restaked())
        .extracting(OperatorReport.Restaked::valueC)
        .containsExactly(t(20), t(2));
    assertThat(o1.power()).isEqualTo(52);
    // op2: restaked only: 1×2 = 2 $C, weight 3.
    assertThat(e.operators().get(1).power()).isEqualTo(3);
    assertThat(e.operators())
        .extracting(OperatorReport::status)
        .containsExactly(
            Status.VALIDATOR,
            Status.VALIDATOR,
            Status.NO_CONSENSUS_KEY,
            Status.INVALID_CONSENSUS_KEY,
            Status.JAILED,
            Status.NO_STAKE);
    assertThat(e.set().totalPower()).isEqualTo(55);
    assertThat(e.security().totalSlashableC()).isEqualTo(t(34));
    assertThat(e.epoch()).isEqualTo(7);
    assertThat(e.block()).isEqualTo(42);
  }
}
