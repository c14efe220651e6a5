package io.cvmavs.cvm.task;

import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.cvm.proof.CanonicalDataset;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flink job results shared by the CVMs of one process that opt in ({@link
 * CvmTaskComputer#shareResults}): the first CVM that runs a manuscript over a range stores the
 * datasets, the others take them instead of queueing the same job again on the process's one Flink
 * lane. The devnet runs four operator nodes (and their CVM chain validators) in one JVM: without
 * this, every CVM block was built four times, one job after another.
 *
 * <p>An entry is keyed by everything a job's output depends on: the manuscript hash (keccak256 of
 * the file the job runs), the chain, the first and last chain block and the <b>source root</b> that
 * the asking CVM computed over its own ingested rows ({@link SourceCommitment}: every row of every
 * chain table of the range). A CVM whose data differs gets another key and runs its own job. Only a
 * CVM's own job fills an entry — never a block received from someone else — so a validator
 * re-executing a proposal still compares it with a result computed here, and a wrong block is still
 * rejected. Entries are immutable datasets; the oldest are dropped beyond {@code capacity}.
 * Thread-safe.
 */
public final class JobResults {
  /** What a job's datasets are a function of. */
  public record Key(String manuscript, String chain, long fromBlock, long toBlock, String source) {
    static Key of(byte[] manuscriptHash, SourceCommitment source) {
      return new Key(
          HexFormat.of().formatHex(manuscriptHash),
          source.chain(),
          source.fromBlock(),
          source.toBlock(),
          HexFormat.of().formatHex(source.root()));
    }
  }

  private final Map<Key, Map<String, CanonicalDataset>> entries;
  private final AtomicLong jobs = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();

  /**
   * @param capacity entries kept (the newest); at least 1
   */
  public JobResults(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("JobResults capacity must be >= 1, got " + capacity);
    }
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Map<String, CanonicalDataset>> e) {
            return size() > capacity;
          }
        };
  }

  /** The stored datasets of {@code key}, counted as a reuse when present. */
  synchronized Optional<Map<String, CanonicalDataset>> take(Key key) {
    Map<String, CanonicalDataset> d = entries.get(key);
    if (d != null) {
      reused.incrementAndGet();
    }
    return Optional.ofNullable(d);
  }

  /** Stores the datasets a CVM's own job computed for {@code key}. */
  synchronized void put(Key key, Map<String, CanonicalDataset> datasets) {
    jobs.incrementAndGet();
    entries.put(key, Collections.unmodifiableMap(new LinkedHashMap<>(datasets)));
  }

  /** Jobs run and stored so far. */
  public long jobs() {
    return jobs.get();
  }

  /** Results taken from here instead of running a job. */
  public long reused() {
    return reused.get();
  }
}
