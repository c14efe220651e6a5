package io.cvmavs.chain.rpc;

import java.util.function.LongSupplier;

/**
 * How far an incremental log scan has come: the blocks from a first block up to {@link
 * #scannedTo()} have been scanned, and each {@link #advance} scans only the blocks after it. A scan
 * goes up to the height asked but never past the node's head: a height above the head (a node that
 * lags, a start set at a future block) marks only the blocks that exist as scanned, so a log mined
 * later in such a block is still found. The head is asked only when there is something to scan. Not
 * thread-safe: its owner holds the lock it keeps its scan results under.
 */
public final class ScanCursor {
  /** Scans one block range, inclusive; {@link LogScanner} splits it into bounded requests. */
  @FunctionalInterface
  public interface RangeScan {
    void scan(long fromBlock, long toBlock);
  }

  private long scannedTo;

  /**
   * @param fromBlock the first block that can hold a log of interest (e.g. the contract's
   *     deployment block)
   */
  public ScanCursor(long fromBlock) {
    if (fromBlock < 0) {
      throw new IllegalArgumentException("fromBlock must be >= 0, got " + fromBlock);
    }
    this.scannedTo = fromBlock - 1;
  }

  /** The last block scanned ({@code fromBlock - 1} before the first scan). */
  public long scannedTo() {
    return scannedTo;
  }

  /**
   * Scans the blocks after {@link #scannedTo()} up to {@code min(upTo, head)} with {@code scan} and
   * marks them scanned once it returns (if it throws, nothing is marked and the next call asks the
   * same blocks again). Returns true if a range was scanned.
   */
  public boolean advance(long upTo, LongSupplier head, RangeScan scan) {
    if (upTo <= scannedTo) {
      return false;
    }
    long to = Math.min(upTo, head.getAsLong());
    if (to <= scannedTo) {
      return false;
    }
    scan.scan(scannedTo + 1, to);
    scannedTo = to;
    return true;
  }
}
