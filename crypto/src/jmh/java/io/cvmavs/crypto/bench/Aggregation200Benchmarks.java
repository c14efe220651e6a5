package io.cvmavs.crypto.bench;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Prepared;
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

/**
 * An aggregator's work for one task of 200 operators that all sign the same response digest, with
 * the operators' G2 keys prepared once (as the aggregator's PreparedKeyCache keeps them): each
 * signature verified on its own, the 200 verified as one batch, the batch with one bad signature
 * found by bisection, and the aggregate check before submission.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(1)
public class Aggregation200Benchmarks {
  static final int N = 200;

  List<G2Prepared> keys;
  List<G1Point> sigs;
  List<Bls.BatchItem> batch;
  List<Bls.BatchItem> batchOneBad;
  byte[] digest;
  SecureRandom random;

  @Setup
  public void setup() {
    Random rnd = new Random(7);
    digest = new byte[32];
    rnd.nextBytes(digest);
    keys = new ArrayList<>();
    sigs = new ArrayList<>();
    batch = new ArrayList<>();
    batchOneBad = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      BlsKeyPair k = BlsKeyPair.fromSecret(new BigInteger(250, rnd).add(BigInteger.ONE));
      G2Prepared prepared = G2Prepared.of(k.publicKeyG2());
      G1Point sig = k.sign(digest);
      keys.add(prepared);
      sigs.add(sig);
      batch.add(new Bls.BatchItem(prepared, digest, sig));
      batchOneBad.add(new Bls.BatchItem(prepared, digest, i == 137 ? k.sign(new byte[32]) : sig));
    }
    random = new SecureRandom();
  }

  /** 200 × Bls.verify with prepared keys: what the aggregator did per arriving signature. */
  @Benchmark
  public int verify200OneByOne() {
    int ok = 0;
    for (int i = 0; i < N; i++) {
      if (Bls.verify(keys.get(i), digest, sigs.get(i))) {
        ok++;
      }
    }
    return ok;
  }

  /** The 200 as one batch (random linear combination, one multi-pairing). */
  @Benchmark
  public boolean verify200Batched() {
    return Bls.verifyBatch(batch, random);
  }

  /** The 200 as one batch with one bad signature, found by bisection. */
  @Benchmark
  public List<Integer> findOneBadAmong200() {
    return Bls.findInvalid(batchOneBad, random);
  }

  /** The aggregate check before submission (Σσ against Σpk, one pairing). */
  @Benchmark
  public List<Integer> aggregateCheck200() {
    return Bls.findInvalidInAggregate(digest, keys, sigs);
  }
}
