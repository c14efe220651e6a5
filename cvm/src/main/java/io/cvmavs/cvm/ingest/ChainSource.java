package io.cvmavs.cvm.ingest;

import java.io.IOException;

/** What ingestion needs from a chain: the head and full blocks with receipts. */
public interface ChainSource {
  long latestBlockNumber() throws IOException;

  /** The block with full transactions and its receipts; fails if the block does not exist yet. */
  ChainBlock block(long number) throws IOException;

  /**
   * The block's call frames ({@link CallFrames}) and the token metadata of the contracts it
   * creates, read at that block. Sources without a trace API refuse with an {@link IngestException}
   * naming what is missing.
   */
  default Traced traced(ChainBlock block) {
    throw new IngestException(
        "this chain source cannot trace blocks: contracts, trace_calls and token_metas need a"
            + " JSON-RPC node with debug_traceBlockByNumber or trace_block");
  }

  /** What {@link #traced} reads for one block. */
  record Traced(
      java.util.List<CallFrames.Frame> frames,
      java.util.Map<String, TokenMetaReader.TokenMeta> tokenMetas) {
    public Traced {
      frames = java.util.List.copyOf(frames);
      tokenMetas = java.util.Map.copyOf(tokenMetas);
    }
  }

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
