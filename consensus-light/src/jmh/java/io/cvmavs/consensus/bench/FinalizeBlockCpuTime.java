package io.cvmavs.consensus.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link FinalizeBlockBenchmark}'s operation timed by CPU time as well as wall clock (the steadier
 * figure on a shared, loaded machine): this thread's CPU time, and the whole process's (which also
 * counts any parallel hashing and the GC).
 *
 * <pre>
 * java -cp consensus-light/target/benchmarks.jar io.cvmavs.consensus.bench.FinalizeBlockCpuTime [records]
 * </pre>
 */
public final class FinalizeBlockCpuTime {
  private FinalizeBlockCpuTime() {}

  public static void main(String[] args) throws Exception {
    FinalizeBlockBenchmark b = new FinalizeBlockBenchmark();
    b.records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    b.setUp();
    try {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      for (int i = 0; i < 20; i++) {
        b.finalizeBlock();
      }
      int n = 30;
      long cpu0 = mx.getCurrentThreadCpuTime();
      long proc0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        b.finalizeBlock();
      }
      System.out.printf(
          "FinalizeBlock, %d records: %.1f ms thread CPU, %.1f ms process CPU, %.1f ms wall per block (%d runs)%n",
          b.records,
          (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / n,
          (os.getProcessCpuTime() - proc0) / 1e6 / n,
          (System.nanoTime() - wall0) / 1e6 / n,
          n);
    } finally {
      b.tearDown();
    }
  }
}
