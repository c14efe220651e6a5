package io.cvmavs.operator.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.consensus.app.model.AbiWords;
import io.cvmavs.consensus.app.model.Checkpoint;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * Validator-set rotation through the relayer. The CVM chain as the devnet and {@code RelayerIT} run
 * it has no validator updates (its apps run without a {@code ValidatorSource}), so no real chain
 * here can produce a rotating checkpoint: both sides are in-memory fakes. The certificates are real
 * BN254 signatures; the fake contract keeps the contract's ordering rules (heights increase,
 * nothing accepted while a rotation is pending, a rotation must hash to the committed next set) and
 * the relayer's local {@link CertificateCheck} — itself cross-checked against forge's worked vector
 * in {@link CertificateCheckTest} — decides what is sent, as against the real contract in {@code
 * RelayerIT}.
 */
class RelayerTest {
  private static final String CHAIN = "cvm-rotation-test";
  @TempDir Path dir;

  private static List<ValidatorEntry> entries(List<BlsKeyPair> ks, long power) {
    return ks.stream()
        .map(k -> new ValidatorEntry(k.publicKeyG1(), BigInteger.valueOf(power)))
        .toList();
  }

  private static final List<BlsKeyPair> A = ValidatorKeys.sortedByOperatorId(21, 22, 23, 24);
  private static final List<BlsKeyPair> B = ValidatorKeys.sortedByOperatorId(31, 32, 33);
  private static final List<ValidatorEntry> SET_A = entries(A, 10);
  private static final List<ValidatorEntry> SET_B = entries(B, 5);

  private static byte[] k(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Everyone of {@code signers} signs the checkpoint of height h. */
  private static RelayCertificate cert(long h, List<BlsKeyPair> signers, byte[] nextSetHash) {
    Checkpoint cp = new Checkpoint(h, k("app " + h), new byte[32], k("cum"), k("wd"), nextSetHash);
    byte[] digest = cp.digest(CHAIN);
    List<G1Point> sigs = new ArrayList<>();
    List<G2Point> g2 = new ArrayList<>();
    for (BlsKeyPair kp : signers) {
      sigs.add(kp.sign(digest));
      g2.add(kp.publicKeyG2());
    }
    byte bitmap = (byte) ((1 << signers.size()) - 1);
    return new RelayCertificate(
        cp, Bls.aggregateSignatures(sigs), Bls.aggregatePublicKeysG2(g2), new byte[] {bitmap});
  }

  /** Set A signs 1..3; checkpoint 3 commits set B, which signs from 4 on. */
  private static class FakeCvm implements CvmChain {
    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> misbehaviour(long from, long h) {
      return Optional.empty(); // these tests' chains record no misbehaviour
    }

    final Map<Long, RelayCertificate> certs = new HashMap<>();
    long latest;

    FakeCvm(long latest) {
      this.latest = latest;
      byte[] a = CommittedSet.hashOf(SET_A);
      byte[] b = CommittedSet.hashOf(SET_B);
      for (long h = 1; h < latest; h++) {
        certs.put(h, h <= 3 ? cert(h, A, h == 3 ? b : a) : cert(h, B, b));
      }
    }

    @Override
    public String chainId() {
      return CHAIN;
    }

    @Override
    public long latestHeight() {
      return latest;
    }

    @Override
    public Optional<RelayCertificate> certificate(long h) {
      return Optional.ofNullable(certs.get(h));
    }

    @Override
    public List<List<ValidatorEntry>> blsSets() {
      return List.of(SET_A, SET_B);
    }
  }

  private static final class FakeContract implements CheckpointChain {
    long latest;
    long setId;
    List<ValidatorEntry> set = SET_A;
    byte[] pending = new byte[32];
    final List<Long> accepted = new ArrayList<>();
    int rotations;

    @Override
    public long latestHeight() {
      return latest;
    }

    @Override
    public CommittedSet committedSet() {
      return new CommittedSet(setId, CommittedSet.hashOf(set), set);
    }

    @Override
    public byte[] pendingSetHash() {
      return pending.clone();
    }

    @Override
    public byte[] cvmChainId() {
      return AbiWords.keccak(CHAIN);
    }

    @Override
    public boolean hasPending() {
      return false;
    }

    @Override
    public long submit(CertificateCheck.Verified v) {
      Checkpoint cp = v.certificate().checkpoint();
      if (!Arrays.equals(pending, new byte[32])) {
        throw new ChainException.Reverted("RotationPending", false);
      }
      if (cp.height() <= latest) {
        throw new ChainException.Reverted("StaleHeight", false);
      }
      latest = cp.height();
      accepted.add(latest);
      if (!Arrays.equals(cp.nextValidatorSetHash(), CommittedSet.hashOf(set))) {
        pending = cp.nextValidatorSetHash();
      }
      return 200_000;
    }

    @Override
    public long rotate(List<ValidatorEntry> entries) {
      if (!Arrays.equals(CommittedSet.hashOf(entries), pending)) {
        throw new ChainException.Reverted("ValidatorSetHashMismatch", false);
      }
      set = entries;
      setId++;
      pending = new byte[32];
      rotations++;
      return 100_000;
    }
  }

  private Relayer relayer(FakeCvm cvm, FakeContract contract, long every) {
    return new Relayer(
        new Relayer.Settings(every, dir),
        cvm,
        contract,
        "0x00000000000000000000000000000000000000c1",
        new RelayerMetrics(new SimpleMeterRegistry()),
        e -> {});
  }

  @Test
  void aRotatingCheckpointIsSentEvenWhenNotPeriodicThenTheRotationThenTheNewSetsCheckpoints() {
    FakeCvm cvm = new FakeCvm(6); // certificates 1..5
    FakeContract contract = new FakeContract();
    List<Relayer.Event> events = relayer(cvm, contract, 2).step();
    assertThat(events)
        .extracting(e -> e.kind() + " " + e.height())
        .containsExactly("SUBMITTED 1", "SUBMITTED 3", "ROTATED 3", "SUBMITTED 5");
    assertThat(contract.accepted).containsExactly(1L, 3L, 5L);
    assertThat(contract.setId).isEqualTo(1);
    assertThat(contract.set).isEqualTo(SET_B);
  }

  @Test
  void aRotationLeftPendingBySomeoneElseIsDoneFirst() {
    FakeCvm cvm = new FakeCvm(6);
    FakeContract contract = new FakeContract();
    contract.latest = 3; // another relayer landed the rotating checkpoint 3 and stopped
    contract.pending = CommittedSet.hashOf(SET_B);
    List<Relayer.Event> events = relayer(cvm, contract, 2).step();
    assertThat(events)
        .extracting(e -> e.kind() + " " + e.height())
        .containsExactly(
            "ROTATED 3", "SUBMITTED 4"); // 4: the first checkpoint this relayer sees land
  }

  @Test
  void theLoopRetriesAFailingStepWithTheBackoffAndPollsAfterAGoodOne() {
    java.util.concurrent.atomic.AtomicInteger failuresLeft =
        new java.util.concurrent.atomic.AtomicInteger(2);
    FakeCvm cvm =
        new FakeCvm(3) {
          @Override
          public long latestHeight() {
            if (failuresLeft.getAndDecrement() > 0) {
              throw new RelayerException.CvmRpc("CVM chain down", null);
            }
            return super.latestHeight();
          }
        };
    FakeContract contract = new FakeContract();
    List<java.time.Duration> waits = new ArrayList<>();
    List<RuntimeException> errors = new ArrayList<>();
    io.cvmavs.common.retry.Backoff backoff =
        io.cvmavs.common.retry.Backoff.exponential(
            java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(30));
    new RelayerLoop(
            relayer(cvm, contract, 1),
            java.time.Duration.ofMillis(500),
            backoff,
            d -> {
              waits.add(d);
              if (waits.size() == 3) {
                Thread.currentThread().interrupt();
              }
            },
            errors::add)
        .run();
    Thread.interrupted(); // clear the flag the sleeper set
    assertThat(waits)
        .containsExactly(
            java.time.Duration.ofSeconds(1),
            java.time.Duration.ofSeconds(2),
            java.time.Duration.ofMillis(500));
    assertThat(errors).hasSize(2).allSatisfy(e -> assertThat(e).hasMessage("CVM chain down"));
    assertThat(contract.accepted).containsExactly(1L, 2L);
  }

  @Test
  void aSetTheNodeNoLongerReportsStopsTheRelayerWithAClearError() {
    FakeCvm cvm =
        new FakeCvm(6) {
          @Override
          public List<List<ValidatorEntry>> blsSets() {
            return List.of(SET_A);
          }
        };
    FakeContract contract = new FakeContract();
    assertThatThrownBy(() -> relayer(cvm, contract, 2).step())
        .isInstanceOf(RelayerException.class)
        .hasMessageContaining("which the CVM chain's /validators/bls no longer reports");
    assertThat(contract.accepted).containsExactly(1L, 3L);
  }
}
