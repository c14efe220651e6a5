package io.cvmavs.operator.cvm;

import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockBuilder;
import io.cvmavs.cvm.block.RecordProof;
import io.cvmavs.cvm.block.RecordProofJson;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.engine.RunResult;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CommandGroup;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cvm-avs cvm prove|verify}: CVM blocks and record proofs. */
@Command(
    name = "cvm",
    mixinStandardHelpOptions = true,
    description = "CVM blocks, record proofs, the CVM HTTP interface and streaming manuscripts.",
    subcommands = {
      CvmCommand.Prove.class,
      CvmProveCheckpointCommand.class,
      CvmCommand.Verify.class,
      CvmServeCommand.class,
      CvmStreamCommand.class
    })
public final class CvmCommand extends CommandGroup {

  /**
   * {@code cvm-avs cvm prove FILE --from N --to M --dataset NAME (--index I | --key V[,V...])}:
   * runs the manuscript over the range, builds the CVM block and prints the record's proof as JSON.
   */
  @Command(
      name = "prove",
      mixinStandardHelpOptions = true,
      description = {
        "Build the CVM block of a manuscript over a block range and print one record's proof as JSON.",
        "The block is the first of its chain (height 0); its timestamp is --timestamp or that of the range's last chain block (as served blocks)."
      })
  public static final class Prove extends CliCommand {
    @Mixin CvmOptions options;

    @Parameters(paramLabel = "FILE", description = "Manuscript YAML file.")
    Path file;

    @Mixin BlockRange range;

    @Option(
        names = "--dataset",
        required = true,
        description = "Name of the manuscript's dataset sink.")
    String dataset;

    @Option(names = "--index", description = "Record position in canonical order.")
    Integer index;

    @Option(
        names = "--key",
        split = ",",
        description = "Primary-key values of the record, in key order.")
    List<String> key;

    @Option(
        names = "--timestamp",
        description =
            "Block timestamp in seconds (default: the range's last chain block, as every CVM builder).")
    Long timestamp;

    @Option(
        names = "--calldata",
        description =
            "Print the ABI calldata (hex) of CvmAttestedRecords.verifyAttestedRecord for this record"
                + " and the response of --task-index (read from the TaskResponded event of"
                + " --task-manager) instead of the proof JSON.")
    boolean calldata;

    @Option(names = "--task-manager", description = "CvmTaskManager address (with --calldata).")
    String taskManager;

    @Option(names = "--task-index", description = "The responded task (with --calldata).")
    Long taskIndex;

    @Option(
        names = "--avs-rpc",
        description = "JSON-RPC URL of the AVS's chain (with --calldata; default: --rpc).")
    String avsRpc;

    @Option(
        names = "--from-block",
        defaultValue = "0",
        description =
            "First block to search for the TaskResponded event (default: ${DEFAULT-VALUE}).")
    long fromBlock;

    @Override
    public Integer call() {
      if ((index == null) == (key == null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "give exactly one of --index and --key");
      }
      String chainRpc = avsRpc != null ? avsRpc : range.rpc;
      if (calldata && (taskManager == null || taskIndex == null || chainRpc == null)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--calldata needs --task-manager, --task-index and --avs-rpc or --rpc");
      }
      Manuscript m = new ManuscriptParser().parse(file);
      String chain = ManuscriptCommand.chainOf(m);
      SegmentStore store = options.store();
      range.ingestIfAsked(options, chain, store, spec.commandLine().getErr());
      RunResult run =
          new ManuscriptRunner(options.runtime(), store)
              .run(
                  m.datasetsOnly(), // a proof never writes the manuscript's side-effect sinks
                  RunOptions.range(range.from, range.to)
                      .printingTo(new PrintStream(System.err, true, StandardCharsets.UTF_8)));
      CvmBlock block =
          new CvmBlockBuilder()
              .build(
                  Optional.empty(),
                  m.hash(),
                  store.commitment(chain, range.from, range.to),
                  run.datasets(),
                  timestamp != null ? timestamp : store.blockTimestamp(chain, range.to));
      CanonicalDataset ds = run.datasets().get(dataset);
      if (ds == null) {
        throw new IllegalArgumentException(
            "the manuscript has no dataset sink '"
                + dataset
                + "' (it has "
                + run.datasets().keySet()
                + ")");
      }
      int i = index != null ? index : findByKey(ds);
      RecordProof proof = block.prove(dataset, i);
      proof.verify(block.hash());
      if (calldata) {
        var responded =
            AttestedResponses.find(
                java.net.URI.create(chainRpc), taskManager, taskIndex, fromBlock);
        spec.commandLine()
            .getOut()
            .println(AttestedResponses.calldata(taskManager, responded, proof));
      } else {
        spec.commandLine().getOut().println(RecordProofJson.write(proof));
      }
      spec.commandLine().getOut().flush();
      return 0;
    }

    /** Matches key values by their text, so numbers and strings need no type annotation. */
    private int findByKey(CanonicalDataset ds) {
      List<String> pk = ds.primaryKey();
      if (pk.size() != key.size()) {
        throw new IllegalArgumentException(
            "dataset '"
                + dataset
                + "' has the key "
                + pk
                + "; --key gave "
                + key.size()
                + " values");
      }
      int[] cols = pk.stream().mapToInt(ds.columns()::indexOf).toArray();
      for (int i = 0; i < ds.size(); i++) {
        Object[] row = ds.row(i);
        boolean match = true;
        for (int k = 0; k < cols.length && match; k++) {
          match = String.valueOf(row[cols[k]]).equalsIgnoreCase(key.get(k));
        }
        if (match) {
          return i;
        }
      }
      throw new IllegalArgumentException(
          "dataset '" + dataset + "' has no record with " + pk + " = " + key);
    }
  }

  /** {@code cvm-avs cvm verify PROOF.json [--block-hash 0x..]}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Verify a record proof (JSON from 'cvm prove') against a block hash (default: the one it names).")
  public static final class Verify extends CliCommand {
    @Parameters(paramLabel = "PROOF", description = "Proof JSON file.")
    Path proofFile;

    @Option(
        names = "--block-hash",
        description = "The block hash you trust (e.g. from an attestation on chain).")
    String blockHash;

    @Override
    public Integer call() throws Exception {
      String text = Files.readString(proofFile);
      RecordProof proof = RecordProofJson.read(text);
      String expected =
          blockHash != null
              ? blockHash
              : new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(text)
                  .path("blockHash")
                  .asText();
      byte[] hash =
          HexFormat.of().parseHex(expected.startsWith("0x") ? expected.substring(2) : expected);
      proof.verify(hash);
      spec.commandLine()
          .getOut()
          .printf(
              "ok: record %d of dataset '%s' is in block %d (0x%s)%n",
              proof.proof().leafIndex(),
              proof.dataset(),
              proof.header().height(),
              HexFormat.of().formatHex(hash));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
