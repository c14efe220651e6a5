package io.cvmavs.crypto.bench;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.crypto.bn254.Pairing;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The operations of {@link Bn254Benchmarks}, timed by this thread's CPU time as well as wall time.
 * On a shared machine whose other tenants keep the cores busy, wall-clock figures (what JMH
 * reports) include time spent waiting for a core; CPU time does not. Run: {@code java -cp
 * crypto/target/benchmarks.jar io.cvmavs.crypto.bench.CpuTimeReport}.
 */
public final class CpuTimeReport {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile Object sink;

  private CpuTimeReport() {}

  public static void main(String[] args) {
    Random rnd = new Random(1);
    G1Point p = G1Point.GENERATOR.mul(new BigInteger(256, rnd));
    G1Point p2 = G1Point.GENERATOR.mul(new BigInteger(256, rnd));
    G2Point q = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
    G2Point q2 = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
    BigInteger k = new BigInteger(256, rnd).mod(Bn254.R);
    byte[] digest = new byte[32];
    rnd.nextBytes(digest);
    BlsKeyPair key = BlsKeyPair.fromSecret(k);
    G1Point signature = key.sign(digest);
    List<G2Point> keys = new ArrayList<>();
    List<G1Point> sigs = new ArrayList<>();
    List<Bls.BatchItem> batch = new ArrayList<>();
    List<G2Point> batchKeys = new ArrayList<>();
    List<byte[]> batchDigests = new ArrayList<>();
    List<G1Point> batchSigs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      BlsKeyPair kp = BlsKeyPair.fromSecret(new BigInteger(250, rnd).add(BigInteger.ONE));
      keys.add(kp.publicKeyG2());
      sigs.add(kp.sign(digest));
      byte[] m = new byte[32];
      rnd.nextBytes(m);
      batchKeys.add(kp.publicKeyG2());
      batchDigests.add(m);
      batchSigs.add(kp.sign(m));
      batch.add(new Bls.BatchItem(kp.publicKeyG2(), m, kp.sign(m)));
    }
    SecureRandom secureRandom = new SecureRandom();
    G2Prepared preparedKey = G2Prepared.of(key.publicKeyG2());
    byte[] keyEvmBytes = key.publicKeyG2().toEvmBytes();
    Aggregation200Benchmarks agg = new Aggregation200Benchmarks();
    agg.setup();
    System.out.printf("%-34s %12s %12s%n", "operation", "cpu us/op", "wall us/op");
    for (int round = 0; round < 2; round++) {
      boolean report = round == 1; // the first round warms up the JIT
      time(report, "pairing", 300, () -> Pairing.pair(p, q));
      time(
          report,
          "multiPairing2",
          200,
          () -> Pairing.product(new G1Point[] {p, p2}, new G2Point[] {q, q2}));
      time(report, "g1Mul", 1000, () -> p.mul(k));
      time(report, "g2Mul", 300, () -> q.mul(k));
      time(report, "hashToG1", 3000, () -> HashToG1.hash(digest));
      time(report, "sign", 1000, () -> key.sign(digest));
      time(report, "verify", 300, () -> Bls.verify(key.publicKeyG2(), digest, signature));
      time(report, "verifyPreparedKey", 300, () -> Bls.verify(preparedKey, digest, signature));
      time(report, "g2Decode", 1000, () -> G2Point.fromEvmBytes(keyEvmBytes));
      time(
          report,
          "aggregateVerify100SameMessage",
          200,
          () -> Bls.verifyAggregate(digest, keys, sigs));
      time(
          report,
          "batchVerify100DistinctMessages",
          10,
          () ->
              Bls.verifyBatch(
                  Bn254Benchmarks.batchOf(batchKeys, batchDigests, batchSigs), secureRandom));
      time(report, "batchVerify100PreparedKeys", 10, () -> Bls.verifyBatch(batch, secureRandom));
      time(report, "verify200OneByOne (prepared)", 2, agg::verify200OneByOne);
      time(report, "verify200Batched (same digest)", 10, agg::verify200Batched);
      time(report, "findOneBadAmong200", 3, agg::findOneBadAmong200);
      time(report, "aggregateCheck200", 20, agg::aggregateCheck200);
    }
  }

  private static void time(boolean report, String name, int n, Supplier<Object> op) {
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sink = op.get();
    }
    long cpu1 = THREADS.getCurrentThreadCpuTime();
    long wall1 = System.nanoTime();
    if (report) {
      System.out.printf(
          "%-34s %12.1f %12.1f%n", name, (cpu1 - cpu0) / 1e3 / n, (wall1 - wall0) / 1e3 / n);
    }
  }
}
