package io.cvmavs.consensus.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The CommitVerificationBenchmark operations timed by this thread's CPU time as well as wall clock:
 * on a shared, loaded machine the CPU time is the steadier figure (JMH's wall clock includes
 * waiting for a core).
 *
 * <pre>
 * java -cp consensus-light/target/benchmarks.jar io.cvmavs.consensus.bench.CpuTimeReport [validators]
 * </pre>
 */
public final class CpuTimeReport {
  private CpuTimeReport() {}

  public static void main(String[] args) throws Exception {
    CommitVerificationBenchmark b = new CommitVerificationBenchmark();
    b.validators = args.length > 0 ? Integer.parseInt(args[0]) : 150;
    b.setUp();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String op :
        new String[] {"verifyAdjacent", "verifyAdjacentFreshSet", "verifyNonAdjacent"}) {
      Runnable r =
          switch (op) {
            case "verifyAdjacent" -> b::verifyAdjacent;
            case "verifyAdjacentFreshSet" -> b::verifyAdjacentFreshSet;
            default -> b::verifyNonAdjacent;
          };
      for (int i = 0; i < 200; i++) {
        r.run();
      }
      int n = args.length > 1 ? Integer.parseInt(args[1]) : 300;
      long cpu0 = mx.getCurrentThreadCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        r.run();
      }
      double cpuMs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e6 / n;
      double wallMs = (System.nanoTime() - wall0) / 1e6 / n;
      System.out.printf(
          "%s, %d validators: %.3f ms CPU, %.3f ms wall per verification (%d runs)%n",
          op, b.validators, cpuMs, wallMs, n);
    }
  }
}
