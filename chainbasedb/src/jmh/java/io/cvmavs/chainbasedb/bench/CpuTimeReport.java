package io.cvmavs.chainbasedb.bench;

import io.cvmavs.chainbasedb.signature.Ed25519Scheme;
import io.cvmavs.chainbasedb.signature.EthPersonalSign;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;

/**
 * The operations of {@link SignatureBenchmarks}, timed by this thread's CPU time as well as wall
 * time, rounds interleaved. On a shared machine whose other tenants keep the cores busy, wall-clock
 * figures include time spent waiting for a core; CPU time does not. Run: {@code java -cp
 * chainbasedb/target/benchmarks.jar io.cvmavs.chainbasedb.bench.CpuTimeReport}.
 */
public final class CpuTimeReport {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static volatile Object sink;

  private CpuTimeReport() {}

  private interface Op {
    Object run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    Random rnd = new Random(1);
    byte[] root = new byte[32];
    rnd.nextBytes(root);
    var key = org.web3j.crypto.ECKeyPair.create(new BigInteger(250, rnd));
    byte[] sig = EthPersonalSign.sign(key, root);
    byte[] digest = EthPersonalSign.personalDigest(root);
    var data =
        new org.web3j.crypto.Sign.SignatureData(
            sig[64], Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64));
    byte[] seed = new byte[32];
    rnd.nextBytes(seed);
    byte[] edSig = Ed25519Scheme.sign(seed, root);
    byte[] edPub = Ed25519Scheme.publicKey(seed);
    String[] names = {
      "secp256k1 recover (BouncyCastle GLV)",
      "secp256k1 recover (web3j Sign)",
      "Ed25519 verify (BouncyCastle)"
    };
    Op[] ops = {
      () -> EthPersonalSign.recover(digest, sig),
      () -> org.web3j.crypto.Sign.signedPrefixedMessageToKey(root, data),
      () -> Ed25519Scheme.INSTANCE.verify(root, edSig, edPub)
    };
    int n = 2000;
    double[][] cpu = new double[ops.length][];
    double[][] wall = new double[ops.length][];
    for (int i = 0; i < ops.length; i++) {
      cpu[i] = new double[0];
      wall[i] = new double[0];
    }
    for (int round = 0; round < 8; round++) {
      for (int i = 0; i < ops.length; i++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        for (int k = 0; k < n; k++) {
          sink = ops[i].run();
        }
        double c = (THREADS.getCurrentThreadCpuTime() - c0) / 1e3 / n;
        double w = (System.nanoTime() - w0) / 1e3 / n;
        if (round >= 3) {
          cpu[i] = append(cpu[i], c);
          wall[i] = append(wall[i], w);
        }
      }
    }
    for (int i = 0; i < ops.length; i++) {
      Arrays.sort(cpu[i]);
      Arrays.sort(wall[i]);
      System.out.printf(
          "%-40s cpu median %8.1f µs (min %8.1f)   wall median %8.1f µs%n",
          names[i], cpu[i][cpu[i].length / 2], cpu[i][0], wall[i][wall[i].length / 2]);
    }
    applyReport("eth");
    applyReport("near");
  }

  /**
   * Applies blocks of 1,000 signed 1 KiB AddDocuments mutations (as the JMH benchmark) and reports
   * wall time and the process's CPU time (all threads) per mutation.
   */
  static void applyReport(String scheme) {
    var state = new ChainbaseDbBenchmarks.ApplyState();
    state.scheme = scheme;
    state.setup();
    try {
      var os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      int warm = 10;
      for (int b = 0; b < warm; b++) {
        state.db.apply(state.db.height() + 1, state.blocks.get(state.next++));
      }
      long c0 = os.getProcessCpuTime();
      long w0 = System.nanoTime();
      int blocks = ChainbaseDbBenchmarks.ApplyState.BLOCKS - warm;
      for (int b = 0; b < blocks; b++) {
        var r = state.db.apply(state.db.height() + 1, state.blocks.get(state.next++));
        if (r.results().stream().anyMatch(t -> t.refusal().isPresent())) {
          throw new IllegalStateException("refused");
        }
      }
      double n = blocks * (double) ChainbaseDbBenchmarks.ApplyState.PER_BLOCK;
      double cpu = (os.getProcessCpuTime() - c0) / 1e3 / n;
      double wall = (System.nanoTime() - w0) / 1e3 / n;
      System.out.printf(
          "apply AddDocuments 1 KiB (%s): wall %.1f µs/mutation (%.0f/s), process CPU %.1f µs/mutation"
              + " (= %.0f/s per fully available core)%n",
          scheme, wall, 1e6 / wall, cpu, 1e6 / cpu);
    } finally {
      state.tearDown();
    }
  }

  private static double[] append(double[] a, double v) {
    double[] b = Arrays.copyOf(a, a.length + 1);
    b[a.length] = v;
    return b;
  }
}
