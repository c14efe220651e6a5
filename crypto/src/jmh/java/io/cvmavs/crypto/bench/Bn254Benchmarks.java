package io.cvmavs.crypto.bench;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bls.HashToG1;
import io.cvmavs.crypto.bn254.Bn254;
import io.cvmavs.crypto.bn254.Fp12;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import io.cvmavs.crypto.bn254.Pairing;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Single-threaded latency of the BN254 / BLS operations the operator and aggregator use. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Bn254Benchmarks {
  private G1Point p;
  private G1Point p2;
  private G2Point q;
  private G2Point q2;
  private BigInteger k;
  private byte[] digest;
  private BlsKeyPair key;
  private G1Point signature;
  private List<G2Point> aggKeys;
  private List<G1Point> aggSigs;
  private List<Bls.BatchItem> batch;
  private List<G2Point> batchKeys;
  private List<byte[]> batchDigests;
  private List<G1Point> batchSigs;
  private SecureRandom secureRandom;
  private G2Prepared preparedKey;
  private byte[] keyEvmBytes;

  @Setup
  public void setup() {
    Random rnd = new Random(1);
    p = G1Point.GENERATOR.mul(new BigInteger(256, rnd));
    p2 = G1Point.GENERATOR.mul(new BigInteger(256, rnd));
    q = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
    q2 = G2Point.GENERATOR.mul(new BigInteger(256, rnd));
    k = new BigInteger(256, rnd).mod(Bn254.R);
    digest = new byte[32];
    rnd.nextBytes(digest);
    key = BlsKeyPair.fromSecret(k);
    signature = key.sign(digest);
    aggKeys = new ArrayList<>();
    aggSigs = new ArrayList<>();
    batch = new ArrayList<>();
    batchKeys = new ArrayList<>();
    batchDigests = new ArrayList<>();
    batchSigs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      BlsKeyPair kp = BlsKeyPair.fromSecret(new BigInteger(250, rnd).add(BigInteger.ONE));
      aggKeys.add(kp.publicKeyG2());
      aggSigs.add(kp.sign(digest));
      byte[] m = new byte[32];
      rnd.nextBytes(m);
      batchKeys.add(kp.publicKeyG2());
      batchDigests.add(m);
      batchSigs.add(kp.sign(m));
      batch.add(new Bls.BatchItem(kp.publicKeyG2(), m, kp.sign(m)));
    }
    secureRandom = new SecureRandom();
    preparedKey = G2Prepared.of(key.publicKeyG2());
    keyEvmBytes = key.publicKeyG2().toEvmBytes();
  }

  @Benchmark
  public Fp12 pairing() {
    return Pairing.pair(p, q);
  }

  @Benchmark
  public Fp12 multiPairing2() {
    return Pairing.product(new G1Point[] {p, p2}, new G2Point[] {q, q2});
  }

  @Benchmark
  public G1Point g1Mul() {
    return p.mul(k);
  }

  @Benchmark
  public G2Point g2Mul() {
    return q.mul(k);
  }

  @Benchmark
  public G1Point hashToG1() {
    return HashToG1.hash(digest);
  }

  @Benchmark
  public G1Point sign() {
    return key.sign(digest);
  }

  @Benchmark
  public boolean verify() {
    return Bls.verify(key.publicKeyG2(), digest, signature);
  }

  /** Verification with the signer's key prepared once (an aggregator keeps registered keys so). */
  @Benchmark
  public boolean verifyPreparedKey() {
    return Bls.verify(preparedKey, digest, signature);
  }

  /** Parsing a G2 public key: curve equation and subgroup check. */
  @Benchmark
  public G2Point g2Decode() {
    return G2Point.fromEvmBytes(keyEvmBytes);
  }

  @Benchmark
  public boolean aggregateVerify100SameMessage() {
    return Bls.verifyAggregate(digest, aggKeys, aggSigs);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public boolean batchVerify100DistinctMessages() {
    return Bls.verifyBatch(batchOf(batchKeys, batchDigests, batchSigs), secureRandom);
  }

  /**
   * The same batch with the operators' public keys already prepared (an aggregator caches them).
   */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public boolean batchVerify100PreparedKeys() {
    return Bls.verifyBatch(batch, secureRandom);
  }

  static List<Bls.BatchItem> batchOf(List<G2Point> keys, List<byte[]> digests, List<G1Point> sigs) {
    List<Bls.BatchItem> items = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      items.add(new Bls.BatchItem(keys.get(i), digests.get(i), sigs.get(i)));
    }
    return items;
  }
}
