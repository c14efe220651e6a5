package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.ingest.Ingestor;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.ingest.SourceCommitment;
import io.cvmavs.operator.command.CliCommand;
import java.io.PrintWriter;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs ingest --rpc URL --from N --to M}: reads blocks, transactions, logs and token
 * transfers from a JSON-RPC endpoint into the local store (idempotent: stored blocks are not
 * fetched again) and prints the source data root of the range.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest chain data from an Ethereum JSON-RPC endpoint into the local CVM store.",
      "Re-running a range fetches only what is missing; progress goes to standard error."
    })
public final class IngestCommand extends CliCommand {
  @Mixin CvmOptions options;

  @Option(names = "--rpc", required = true, paramLabel = "URL", description = "JSON-RPC endpoint.")
  String rpc;

  @Option(names = "--from", required = true, description = "First block (inclusive).")
  long from;

  @Option(names = "--to", required = true, description = "Last block (inclusive).")
  long to;

  @Option(
      names = "--chain",
      defaultValue = "eth",
      description = "Chain name: datasets are <chain>.<table> (default: ${DEFAULT-VALUE}).")
  String chain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SegmentStore store = options.store();
    Ingestor.Report report = options.ingestor(rpc, chain, store, err).ingest(from, to);
    SourceCommitment commitment = store.commitment(chain, from, to);
    out.printf(
        "ingested %s blocks %d-%d: %d blocks fetched, %d rows written in %.1f s; source root 0x%s%n",
        chain,
        from,
        to,
        report.blocksFetched(),
        report.rowsWritten(),
        report.elapsed().toMillis() / 1000.0,
        HexFormat.of().formatHex(commitment.root()));
    out.flush();
    return 0;
  }
}
