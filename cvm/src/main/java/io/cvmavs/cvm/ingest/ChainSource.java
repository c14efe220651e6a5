package io.cvmavs.cvm.ingest;

import java.io.IOException;

/** What ingestion needs from a chain: the head and full blocks with receipts. */
public interface ChainSource {
  long latestBlockNumber() throws IOException;

  /** The block with full transactions and its receipts; fails if the block does not exist yet. */
  ChainBlock block(long number) throws IOException;

  /** {@link #latestBlockNumber()} with I/O failures as {@link IngestException}. */
  default long latestBlockNumberChecked() {
    try {
      return latestBlockNumber();
    } catch (IOException e) {
      throw new IngestException("reading the chain head failed: " + e.getMessage(), e);
    }
  }

  /** {@link #block(long)} with I/O failures as {@link IngestException}. */
  default ChainBlock blockChecked(long number) {
    try {
      return block(number);
    } catch (IOException e) {
      throw new IngestException("reading block " + number + " failed: " + e.getMessage(), e);
    }
  }
}
