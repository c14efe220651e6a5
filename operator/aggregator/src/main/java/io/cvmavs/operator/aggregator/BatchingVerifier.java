package io.cvmavs.operator.aggregator;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Verifies BLS signatures that arrive together as one batch (group commit): a caller queues its
 * signature; if no batch is being checked it takes everything queued and checks it with {@link
 * Bls#findInvalid} (one multi-pairing by random linear combination; bisection only when it fails),
 * else it waits, and signatures that came in meanwhile form the next batch. A lone signature is
 * checked on its own, so nothing waits for a timer. The answer for each signature is exact: a
 * signature is refused only after failing a check of its own.
 *
 * <p>Thread-safe; {@link #verify} blocks its caller (a worker thread) until its signature is
 * checked.
 */
final class BatchingVerifier {
  private static final class Pending {
    final Bls.BatchItem item;
    boolean done;
    boolean valid;
    RuntimeException failure;

    Pending(Bls.BatchItem item) {
      this.item = item;
    }
  }

  private final SecureRandom random;
  private final Object lock = new Object();
  private List<Pending> queue = new ArrayList<>();
  private boolean checking;
  private long batches;
  private long signatures;

  BatchingVerifier(SecureRandom random) {
    this.random = random;
  }

  /** Whether {@code signature} verifies for {@code digest} under {@code key}. */
  boolean verify(G2Prepared key, byte[] digest, G1Point signature) {
    Pending me = new Pending(new Bls.BatchItem(key, digest, signature));
    synchronized (lock) {
      queue.add(me);
    }
    while (true) {
      List<Pending> batch;
      synchronized (lock) {
        while (!me.done && checking) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a signature check", e);
          }
        }
        if (me.done) {
          if (me.failure != null) {
            throw me.failure;
          }
          return me.valid;
        }
        checking = true;
        batch = queue;
        queue = new ArrayList<>();
      }
      try {
        check(batch);
      } finally {
        synchronized (lock) {
          checking = false;
          batches++;
          signatures += batch.size();
          for (Pending p : batch) {
            p.done = true;
          }
          lock.notifyAll();
        }
      }
    }
  }

  /** Batches checked so far and the signatures in them (their ratio is the mean batch size). */
  long[] batchesAndSignatures() {
    synchronized (lock) {
      return new long[] {batches, signatures};
    }
  }

  private void check(List<Pending> batch) {
    if (batch.size() > 1) {
      List<Bls.BatchItem> items = new ArrayList<>(batch.size());
      for (Pending p : batch) {
        items.add(p.item);
      }
      try {
        List<Integer> bad = Bls.findInvalid(items, random);
        for (Pending p : batch) {
          p.valid = true;
        }
        for (int i : bad) {
          batch.get(i).valid = false;
        }
        return;
      } catch (RuntimeException e) {
        // an item the batch refused (e.g. a point at infinity): answer each caller on its own
      }
    }
    for (Pending p : batch) {
      try {
        p.valid = Bls.verify(p.item.publicKey(), p.item.digest(), p.item.signature());
      } catch (RuntimeException e) {
        p.failure = e;
      }
    }
  }
}
