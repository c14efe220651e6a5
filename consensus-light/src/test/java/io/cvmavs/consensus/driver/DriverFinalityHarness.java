package io.cvmavs.consensus.driver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Harness (not a test): devnet-style time from proposal (the proposer's PrepareProposal) to
 * finality (every app committed) with 4 validators over loopback ABCI sockets, one 64-byte
 * transaction per block. Figures go to docs/BENCHMARKS.md; nothing here is asserted.
 *
 * <pre>
 * bin/mvn -q -o -pl consensus-light -am test-compile -Dforge.skipTests=true
 * bin/mvn -q -o -pl consensus-light dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp consensus-light/target/test-classes:consensus-light/target/classes:$(cat /tmp/cp.txt) \
 *     io.cvmavs.consensus.driver.DriverFinalityHarness 2000
 * </pre>
 */
public final class DriverFinalityHarness {
  private DriverFinalityHarness() {}

  public static void main(String[] args) throws Exception {
    int heights = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int warmup = Math.max(100, heights / 5);
    KvStoreApp.Disk[] disks = new KvStoreApp.Disk[4];
    for (int i = 0; i < 4; i++) {
      disks[i] = new KvStoreApp.Disk();
    }
    List<Long> micros = Collections.synchronizedList(new ArrayList<>());
    try (LocalNet net =
        LocalNet.start(
            LocalNet.Settings.of(
                "bench",
                List.of(10L, 10L, 10L, 10L),
                i -> new KvStoreApp(KvStoreApp.Mode.HONEST, disks[i])))) {
      LocalConsensusDriver d = net.driver();
      d.addListener((block, took) -> micros.add(took.toNanos() / 1_000));
      long start = 0;
      for (int h = 1; h <= warmup + heights; h++) {
        if (h == warmup + 1) {
          micros.clear();
          start = System.nanoTime();
        }
        String tx = "k" + h + "=" + "v".repeat(60 - Integer.toString(h).length());
        d.submitTx(tx.getBytes(StandardCharsets.UTF_8));
        d.step().orElseThrow();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      List<Long> sorted = new ArrayList<>(micros);
      Collections.sort(sorted);
      System.out.printf(
          "4 validators, %d heights after %d warm-up: proposal->finality median %.2f ms, p90 %.2f ms,"
              + " p99 %.2f ms, max %.2f ms; %.0f blocks/s back to back (incl. CheckTx)%n",
          heights,
          warmup,
          sorted.get(sorted.size() / 2) / 1000.0,
          sorted.get(sorted.size() * 9 / 10) / 1000.0,
          sorted.get(sorted.size() * 99 / 100) / 1000.0,
          sorted.getLast() / 1000.0,
          heights / seconds);
    }
  }
}
