package io.cvmavs.operator.cvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.cvm.engine.ManuscriptRunner;
import io.cvmavs.cvm.engine.RunOptions;
import io.cvmavs.cvm.engine.RunResult;
import io.cvmavs.cvm.ingest.SegmentStore;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.cvm.manuscript.Source;
import io.cvmavs.cvm.proof.CanonicalDataset;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CommandGroup;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cvm-avs manuscript validate|run|register|list|show|deprecate|revoke}. */
@Command(
    name = "manuscript",
    mixinStandardHelpOptions = true,
    description =
        "Validate and run manuscripts (Chainbase format); register them in the AVS manuscript"
            + " registry.",
    subcommands = {
      ManuscriptCommand.Validate.class,
      ManuscriptCommand.Run.class,
      ManuscriptRegistryCommands.Register.class,
      ManuscriptRegistryCommands.ListManuscripts.class,
      ManuscriptRegistryCommands.Show.class,
      ManuscriptRegistryCommands.Deprecate.class,
      ManuscriptRegistryCommands.Revoke.class
    })
public final class ManuscriptCommand extends CommandGroup {

  /** The single chain a manuscript's sources read. */
  static String chainOf(Manuscript m) {
    TreeSet<String> chains =
        m.sources().stream().map(Source::chain).collect(Collectors.toCollection(TreeSet::new));
    if (chains.size() != 1) {
      throw new IllegalArgumentException(
          "the manuscript reads the chains "
              + chains
              + "; one run ingests from one RPC endpoint, so it needs one chain");
    }
    return chains.first();
  }

  /** {@code cvm-avs manuscript validate FILE}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description =
          "Parse and validate a manuscript and compile its SQL; print every problem with file, line and field.",
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the manuscript is valid",
        "1:refused (every problem as file:line:column: field: reason) or no such file",
        "2:usage error (missing FILE, unknown option)"
      })
  public static final class Validate extends CliCommand {
    @Parameters(paramLabel = "FILE", description = "Manuscript YAML file.")
    Path file;

    @Override
    public Integer call() {
      Manuscript m = new ManuscriptParser().parse(file);
      ManuscriptRunner.compile(m); // SQL errors with the transform's file line and column
      spec.commandLine()
          .getOut()
          .printf(
              "%s: ok — manuscript '%s' (%s), %d sources, %d transforms, sinks: %s; manuscript hash 0x%s%n",
              file,
              m.name(),
              m.specVersion(),
              m.sources().size(),
              m.transforms().size(),
              m.sinks().stream()
                  .map(s -> s.name() + " (" + s.type().yamlName() + ")")
                  .collect(Collectors.joining(", ")),
              HexFormat.of().formatHex(m.hash()));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  /** {@code cvm-avs manuscript run FILE --rpc URL --from N --to M [--parallelism P] [--json]}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run a manuscript over a block range: ingest the range (if --rpc is given; stored blocks are reused),",
        "run it on Flink, write its sinks, and print the rows per sink and the dataset root."
      })
  public static final class Run extends CliCommand {
    @Mixin CvmOptions options;

    @Parameters(paramLabel = "FILE", description = "Manuscript YAML file.")
    Path file;

    @Mixin BlockRange range;

    @Option(names = "--parallelism", description = "Overrides the manuscript's parallelism.")
    Integer parallelism;

    @Option(
        names = "--json",
        description = "Print one JSON object with the rows per sink and the roots.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Manuscript m = new ManuscriptParser().parse(file);
      String chain = chainOf(m);
      SegmentStore store = options.store();
      range.ingestIfAsked(options, chain, store, spec.commandLine().getErr());
      RunOptions runOptions =
          RunOptions.range(range.from, range.to)
              .printingTo(new PrintStream(System.out, true, StandardCharsets.UTF_8));
      if (parallelism != null) {
        runOptions = runOptions.withParallelism(parallelism);
      }
      if (json) {
        // print sinks would interleave with the JSON document
        runOptions =
            runOptions.printingTo(new PrintStream(System.err, true, StandardCharsets.UTF_8));
      }
      RunResult result = new ManuscriptRunner(options.runtime(), store).run(m, runOptions);
      byte[] sourceRoot = store.commitment(chain, range.from, range.to).root();
      HexFormat hex = HexFormat.of();
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("manuscript", m.name());
        root.put("manuscriptHash", "0x" + hex.formatHex(m.hash()));
        root.put("chain", chain);
        root.put("fromBlock", range.from);
        root.put("toBlock", range.to);
        root.put("parallelism", result.parallelism());
        root.put("sourceRoot", "0x" + hex.formatHex(sourceRoot));
        ObjectNode sinks = root.putObject("rows");
        result.rowsPerSink().forEach(sinks::put);
        ObjectNode datasets = root.putObject("datasets");
        result
            .datasets()
            .forEach(
                (name, ds) ->
                    datasets
                        .putObject(name)
                        .put("records", ds.size())
                        .put("root", "0x" + hex.formatHex(ds.root())));
        root.put("datasetRoot", "0x" + hex.formatHex(result.datasetRoot()));
        root.put("elapsedMillis", result.elapsed().toMillis());
        out.println(mapper.writeValueAsString(root));
      } else {
        out.printf(
            "manuscript %s over %s blocks %d-%d (parallelism %d, %.1f s)%n",
            m.name(),
            chain,
            range.from,
            range.to,
            result.parallelism(),
            result.elapsed().toMillis() / 1000.0);
        result
            .rowsPerSink()
            .forEach((sink, rows) -> out.printf("  sink %-24s %d rows%n", sink, rows));
        for (var e : result.datasets().entrySet()) {
          CanonicalDataset ds = e.getValue();
          out.printf(
              "  dataset %-21s root 0x%s (%d records)%n",
              e.getKey(), hex.formatHex(ds.root()), ds.size());
        }
        out.printf(
            "  source root   0x%s%n  dataset root  0x%s%n",
            hex.formatHex(sourceRoot), hex.formatHex(result.datasetRoot()));
      }
      out.flush();
      return 0;
    }
  }
}
