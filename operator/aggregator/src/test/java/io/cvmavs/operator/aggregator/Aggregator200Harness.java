package io.cvmavs.operator.aggregator;

import com.sun.management.OperatingSystemMXBean;
import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.avs.CvmTask;
import io.cvmavs.chain.avs.NonSignerStakesAndSignature;
import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.avs.TaskManagerAbi;
import io.cvmavs.chain.avs.TaskResponse;
import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G1Point;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: 200 simulated signing operators (real BLS keys, real signatures over each task's real
 * response digest) against one in-process {@link Aggregator}, which verifies, aggregates and
 * submits. The chain behind the aggregator's ports is simulated (no anvil, no gas): the submitter
 * records the call and checks the aggregate it was handed. Operators sign each task once, before
 * the timed phase (the CVM result is shared: one response for all), then hand their signatures in
 * from 16 threads (the server's worker pool). Per task it prints the aggregator's CPU (thread CPU
 * inside submitSignature plus the submission thread's CPU), the process CPU over the phase, the
 * wall time of the phase, the time to respondToTask called from the return of the last
 * submitSignature call (its acknowledgement: negative when the submission, whose fsync covers every
 * signature, went out while the last caller still waited for its own) and from the start of the
 * last call (the last signature's arrival), the batches the verifier formed and the fsyncs of the
 * task's journal (group commit; the journal's creation and the compaction after the response are
 * not counted).
 *
 * <p>Run: {@code tools/bench/aggregator-200.sh [tasks]}.
 */
public final class Aggregator200Harness {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final long CHAIN_ID = 31337;
  private static final String TASK_MANAGER = "0x" + "ab".repeat(20);
  private static final BigInteger STAKE = BigInteger.TEN.pow(18);

  private Aggregator200Harness() {}

  public static void main(String[] args) throws Exception {
    int operators = Integer.getInteger("bench.operators", 200);
    int tasks = Integer.getInteger("bench.tasks", 10);
    SecureRandom random = new SecureRandom();
    List<BlsKeyPair> keys = new ArrayList<>();
    for (int i = 0; i < operators; i++) {
      keys.add(BlsKeyPair.generate(random));
    }
    PreparedKeyCache cache = new PreparedKeyCache();
    Map<Long, CvmTask> taskMap = new ConcurrentHashMap<>();
    Map<Long, long[]> respondedAt = new ConcurrentHashMap<>(); // nanoTime, submit-thread CPU
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    AtomicLong submitThreadCpu = new AtomicLong();
    Path dir = Files.createTempDirectory("aggregator-200-");
    Aggregator agg =
        new Aggregator(
            new Aggregator.Settings(CHAIN_ID, TASK_MANAGER, 1_000_000, Duration.ofSeconds(30)),
            i -> Optional.ofNullable(taskMap.get(i)),
            task -> snapshot(task, keys, cache),
            (quorums, block, nonSigners) ->
                new RegistryReader.CheckSignaturesIndices(
                    List.of(0L), List.of(0L), List.of(nonSigners.stream().map(x -> 0L).toList())),
            new AggregatorPorts.ResponseSubmitter() {
              @Override
              public AggregatorPorts.Submitted respond(
                  CvmTask task, TaskResponse response, NonSignerStakesAndSignature data) {
                long now = System.nanoTime();
                respondedAt.put(
                    task.taskIndex(), new long[] {now, THREADS.getCurrentThreadCpuTime()});
                byte[] digest = TaskManagerAbi.responseDigest(CHAIN_ID, TASK_MANAGER, response);
                if (!Bls.verify(data.apkG2(), digest, data.sigma())) {
                  throw new IllegalStateException("the aggregate handed to respondToTask is bad");
                }
                return new AggregatorPorts.Submitted("0x" + "cd".repeat(32), 2, 0);
              }

              @Override
              public boolean isResponded(long taskIndex) {
                return respondedAt.containsKey(taskIndex);
              }

              @Override
              public boolean hasPending() {
                return false;
              }
            },
            () -> 1,
            dir,
            scheduler);
    long schedulerThread = scheduler.submit(() -> Thread.currentThread().threadId()).get();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    System.out.printf(
        "%d operators, %d tasks, %d CPUs, load average %.1f%n",
        operators, tasks, Runtime.getRuntime().availableProcessors(), OS.getSystemLoadAverage());
    System.out.printf(
        "%-5s %10s %12s %12s %10s %16s %15s %8s %7s %10s%n",
        "task",
        "sign_ms",
        "agg_cpu_ms",
        "proc_cpu_ms",
        "wall_ms",
        "last_sig→resp_ms",
        "last_in→resp_ms",
        "batches",
        "fsyncs",
        "heap_MiB");
    for (long t = 1; t <= tasks; t++) {
      byte[] fill = new byte[32];
      Arrays.fill(fill, (byte) t);
      CvmTask task = new CvmTask(t, t, fill, fill, new byte[] {0}, 67, 1);
      taskMap.put(t, task);
      TaskResponse response = new TaskResponse(t, fill, fill, fill);
      byte[] digest = TaskManagerAbi.responseDigest(CHAIN_ID, TASK_MANAGER, response);
      long signCpu0 = THREADS.getCurrentThreadCpuTime();
      List<byte[]> sigs = new ArrayList<>();
      for (BlsKeyPair k : keys) {
        sigs.add(k.sign(digest).toBytes());
      }
      long signCpu = THREADS.getCurrentThreadCpuTime() - signCpu0;
      long[] before = agg.verifierStats();
      long syncs0 = agg.journalSyncs();
      long schedCpu0 = THREADS.getThreadCpuTime(schedulerThread);
      AtomicLong callCpu = new AtomicLong();
      AtomicLong lastSignature = new AtomicLong();
      AtomicLong lastArrival = new AtomicLong();
      CountDownLatch done = new CountDownLatch(operators);
      long proc0 = OS.getProcessCpuTime();
      long wall0 = System.nanoTime();
      for (int i = 0; i < operators; i++) {
        int op = i;
        pool.execute(
            () -> {
              long c0 = THREADS.getCurrentThreadCpuTime();
              lastArrival.accumulateAndGet(System.nanoTime(), Math::max);
              try {
                agg.submitSignature(
                    task.taskIndex(),
                    response,
                    Bytes32.hex(Bls.operatorId(keys.get(op).publicKeyG1())),
                    sigs.get(op));
              } catch (RuntimeException e) {
                System.err.println("operator " + op + ": " + e.getMessage());
              } finally {
                callCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - c0);
                lastSignature.accumulateAndGet(System.nanoTime(), Math::max);
                done.countDown();
              }
            });
      }
      done.await();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!respondedAt.containsKey(t) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long[] resp = respondedAt.get(t);
      if (resp == null) {
        throw new IllegalStateException("task " + t + " was not submitted within 120 s");
      }
      // let the submission finish (status saved) before reading the scheduler's CPU
      while (!"RESPONDED".equals(agg.status(t).orElseThrow().status())) {
        Thread.sleep(1);
      }
      long proc = OS.getProcessCpuTime() - proc0;
      long wall = resp[0] - wall0;
      long schedCpu = THREADS.getThreadCpuTime(schedulerThread) - schedCpu0;
      long[] after = agg.verifierStats();
      Runtime rt = Runtime.getRuntime();
      System.out.printf(
          "%-5d %10.1f %12.1f %12.1f %10.1f %16.2f %15.2f %8d %7d %10d%n",
          t,
          signCpu / 1e6,
          (callCpu.get() + schedCpu) / 1e6,
          proc / 1e6,
          wall / 1e6,
          (resp[0] - lastSignature.get()) / 1e6,
          (resp[0] - lastArrival.get()) / 1e6,
          after[0] - before[0],
          agg.journalSyncs() - syncs0,
          (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
    pool.shutdownNow();
    scheduler.shutdownNow();
    System.out.printf(
        "prepared keys: %d cached, %d preparations; verifier: %d batches for %d signatures%n",
        cache.size(), cache.preparations(), agg.verifierStats()[0], agg.verifierStats()[1]);
  }

  /**
   * The operator set of {@code keys} at {@code task}'s block, each with the same stake in quorum 0
   * and the address {@code 0x…(i+1)} (shared with {@link AggregatorAt200Test}).
   */
  static OperatorSetSnapshot snapshot(CvmTask task, List<BlsKeyPair> keys, PreparedKeyCache cache) {
    Map<String, OperatorSetSnapshot.Member> members = new LinkedHashMap<>();
    List<G1Point> g1 = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      BlsKeyPair k = keys.get(i);
      String id = Bytes32.hex(Bls.operatorId(k.publicKeyG1()));
      String address = String.format("0x%040x", i + 1);
      members.put(
          id,
          new OperatorSetSnapshot.Member(
              id,
              address,
              k.publicKeyG1(),
              k.publicKeyG2(),
              cache.prepared(address, k.publicKeyG2()),
              Map.of(0, STAKE)));
      g1.add(k.publicKeyG1());
    }
    return new OperatorSetSnapshot(
        task.taskCreatedBlock(),
        members,
        List.of(
            new OperatorSetSnapshot.Quorum(
                0,
                STAKE.multiply(BigInteger.valueOf(keys.size())),
                Bls.aggregatePublicKeysG1(g1))));
  }
}
