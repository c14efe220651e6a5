package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.consensus.app.model.BlsValidatorSet;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.validators.BlsKeyDirectory;
import io.cvmavs.consensus.app.validators.StakeAggregatorSource;
import io.cvmavs.consensus.proto.abci.ResponseFinalizeBlock;
import io.cvmavs.consensus.proto.abci.ValidatorUpdate;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.stake.aggregate.StakeAggregator;
import io.cvmavs.stake.chain.StakeReader;
import io.cvmavs.stake.chain.StakeSnapshot;
import io.cvmavs.stake.config.PriceSource;
import io.cvmavs.stake.config.StakeConfig;
import io.cvmavs.stake.power.PowerPolicy;
import io.cvmavs.stake.validator.ValidatorSetDiff;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validator updates at stake epoch boundaries come from the real {@link StakeAggregator} (powers,
 * per-validator cap, set size). Its chain reads are replaced by an in-memory {@link StakeReader}
 * holding the snapshot of each boundary block — the RPC reader itself is tested against anvil in
 * stake-aggregator's {@code StakeAggregatorIT}.
 */
class ValidatorUpdatesTest {
  static final BigInteger E18 = BigInteger.TEN.pow(18);

  @TempDir Path dir;

  @Test
  void theEpochSetIsProposedOnceItsBoundaryIsFinalAndCometGetsTheAggregatorsDiff() {
    // 5 candidates; epoch 0 stakes 10/10/10/10/0 $C; epoch 1 (block 150): node 3 unstakes, node 0
    // stakes 40 and node 4 joins with 10. The cap (40%) bounds node 0.
    Map<Long, List<BigInteger>> stakes = new HashMap<>();
    stakes.put(0L, List.of(t(10), t(10), t(10), t(10), BigInteger.ZERO));
    stakes.put(150L, List.of(t(40), t(10), t(10), BigInteger.ZERO, t(10)));
    List<TestChain.Node> nodes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      nodes.add(new TestChain.Node(i));
    }
    StakeReader reader =
        new StakeReader() {
          @Override
          public StakeSnapshot read(long block, long jailFromBlock) {
            List<BigInteger> s = stakes.get(block);
            List<StakeSnapshot.OperatorState> ops = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
              ops.add(
                  new StakeSnapshot.OperatorState(
                      operator(i),
                      Optional.of(nodes.get(i).edPublic.clone()),
                      s.get(i),
                      List.of()));
            }
            return new StakeSnapshot(
                block, 1_700_000_000L + block, List.of(), E18, ops, Set.of(), E18);
          }

          @Override
          public long latestBlock() {
            return 150;
          }
        };
    StakeConfig config =
        new StakeConfig(
            URI.create("http://127.0.0.1:1"),
            Map.of(),
            0,
            0,
            150,
            1,
            new PowerPolicy(E18, 1, 100, 4000),
            Map.of(),
            Optional.empty(),
            new PriceSource.Fixed(E18),
            3600,
            50,
            50);
    StakeAggregator aggregator = new StakeAggregator(reader, config);
    BlsKeyDirectory keys =
        (operator, block) -> {
          TestChain.Node n = nodes.get(Integer.parseInt(operator.substring(operator.length() - 1)));
          return Optional.of(
              new BlsKeyDirectory.BlsPublicKeys(n.bls.publicKeyG1(), n.bls.publicKeyG2()));
        };
    StakeAggregatorSource source = new StakeAggregatorSource(aggregator, keys);

    try (TestChain chain =
        new TestChain(dir, 5, 10, new SyntheticEngine(5, 0), 10, Optional.of(source), 150)) {
      assertThat(chain.genesis.validators().size()).isEqualTo(4);
      BlsValidatorSet epoch1 = source.epochSet(1);
      List<io.cvmavs.stake.validator.ValidatorUpdate> expected =
          ValidatorSetDiff.diff(aggregator.epochSet(0).set(), aggregator.epochSet(1).set());
      assertThat(expected).anyMatch(u -> u.power() == 0); // node 3 leaves

      ResponseFinalizeBlock withUpdates = null;
      long updateHeight = 0;
      for (int i = 0; i < 8 && withUpdates == null; i++) {
        chain.ethFinal.addAndGet(20); // 119, 139, 159, ...
        TestChain.Outcome o = chain.step();
        boolean proposed =
            o.txs().stream()
                .anyMatch(
                    t ->
                        TxCodec.decode(t.toByteArray()).getKindCase()
                            == TxEnvelope.KindCase.VALIDATOR_SET);
        if (proposed) {
          assertThat(chain.nodes.get(0).app.state().ethFinalHeight).isGreaterThanOrEqualTo(150);
          withUpdates = o.responses().get(0);
          updateHeight = chain.height();
        } else {
          assertThat(o.responses().get(0).getValidatorUpdatesList()).isEmpty();
        }
      }
      assertThat(withUpdates).as("the epoch-1 set was proposed").isNotNull();
      List<io.cvmavs.stake.validator.ValidatorUpdate> got = new ArrayList<>();
      for (ValidatorUpdate u : withUpdates.getValidatorUpdatesList()) {
        got.add(
            new io.cvmavs.stake.validator.ValidatorUpdate(
                io.cvmavs.stake.validator.ConsensusKey.of(u.getPubKey().getEd25519().toByteArray()),
                u.getPower()));
      }
      assertThat(got).isEqualTo(expected);
      // Every power obeys the 40% cap the aggregator applied.
      epoch1
          .entries()
          .forEach(
              v -> assertThat(v.power() * 10_000).isLessThanOrEqualTo(4000L * epoch1.totalPower()));

      // The BLS set follows CometBFT: next set at once, current after H+2 (the removed node still
      // votes at H+1).
      assertThat(chain.nodes.get(0).app.state().nextSet).isEqualTo(epoch1);
      assertThat(chain.nodes.get(0).app.state().currentSet).isEqualTo(chain.genesis.validators());
      chain.step();
      assertThat(chain.nodes.get(0).app.state().currentSet).isEqualTo(epoch1);
      chain.step(); // signed by the new set, certified
      chain.step();
      assertThat(chain.nodes.get(0).app.state().lastCertificateHeight).isEqualTo(updateHeight + 2);
      assertThat(chain.nodes.get(0).app.state().epoch).isEqualTo(1);
    }
  }

  static String operator(int i) {
    return "0x000000000000000000000000000000000000000" + i;
  }

  static BigInteger t(long n) {
    return E18.multiply(BigInteger.valueOf(n));
  }
}
