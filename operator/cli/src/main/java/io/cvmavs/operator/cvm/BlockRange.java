package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.ingest.SegmentStore;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * {@code --rpc URL --from N --to M}: the block range a CVM command works on, and where to ingest it
 * from.
 */
final class BlockRange {
  @Option(
      names = "--rpc",
      paramLabel = "URL",
      description = "JSON-RPC endpoint to ingest the range from first.")
  String rpc;

  @Option(names = "--from", required = true, description = "First block (inclusive).")
  long from;

  @Option(names = "--to", required = true, description = "Last block (inclusive).")
  long to;

  /**
   * Ingests the range into {@code store} when {@code --rpc} was given (stored blocks are reused).
   */
  void ingestIfAsked(CvmOptions options, String chain, SegmentStore store, PrintWriter progress) {
    if (rpc != null) {
      options.ingestor(rpc, chain, store, progress).ingest(from, to);
    }
  }
}
