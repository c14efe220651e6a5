package io.cvmavs.storage.bench;

import io.cvmavs.cvm.proof.Keccak;
import io.cvmavs.storage.audit.AuditAnswer;
import io.cvmavs.storage.audit.AuditChallenge;
import io.cvmavs.storage.audit.AuditVerifier;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying one audit answer (47 chunks of 8 KiB with their paths) of an 8 MiB group (1024 chunks,
 * CESS's fragment size); the target is ≤ 5 ms in Java.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AuditBenchmark {
  AuditChallenge challenge;
  AuditAnswer answer;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] file = new byte[8 << 20];
    new SplittableRandom(1).nextBytes(file);
    byte[] root = io.cvmavs.storage.chunk.AuditChunks.of(file).root();
    challenge = AuditChallenge.of(Keccak.hash(new byte[] {1}), root, file.length);
    answer = AuditAnswer.prove(challenge, file);
  }

  @Benchmark
  public boolean verify47() {
    return AuditVerifier.verify(challenge, answer).passed();
  }
}
