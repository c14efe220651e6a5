package io.cvmavs.operator.cvm;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.common.lock.ProcessFileLock;
import io.cvmavs.cvm.engine.EngineException;
import io.cvmavs.cvm.engine.ManuscriptStream;
import io.cvmavs.cvm.ingest.Retry;
import io.cvmavs.cvm.ingest.Web3jChainSource;
import io.cvmavs.cvm.manuscript.Manuscript;
import io.cvmavs.cvm.manuscript.ManuscriptParser;
import io.cvmavs.operator.command.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs cvm stream FILE --rpc URL [--confirmations N]}: a manuscript with postgres / print
 * sinks as a continuous Flink streaming job over new blocks ({@link ManuscriptStream}), until
 * Ctrl-C; started again, it resumes from its last checkpoint.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    modelTransformer = CvmStreamCommand.WithoutIngestOptions.class,
    description = {
      "Run a manuscript whose sinks are postgres or print as a streaming job over new chain blocks, as"
          + " they reach --confirmations below the head, until Ctrl-C. Postgres sinks upsert by"
          + " primary_key.",
      "Started again with the same --state (the same command), it resumes from its last checkpoint:"
          + " no block skipped, no row written twice. Old checkpoints are deleted; the newest"
          + " --keep-checkpoints stay. One stream per --state."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:reached --to",
      "1:refused (a manuscript that cannot stream, a --state in use) or the job failed (the reason is"
          + " printed; its last checkpoint stays)",
      "2:usage error",
      "130/143:stopped by Ctrl-C / SIGTERM (the JVM's status; resume by running the same command)"
    })
public final class CvmStreamCommand extends CliCommand {
  @Mixin CvmOptions options;

  @Parameters(paramLabel = "FILE", description = "Manuscript YAML file.")
  Path file;

  @Option(
      names = "--rpc",
      required = true,
      paramLabel = "URL",
      description = "JSON-RPC endpoint of the chain the manuscript reads.")
  String rpc;

  @Option(
      names = "--from",
      paramLabel = "B",
      description =
          "First block when there is no checkpoint to resume from (default: the next block to"
              + " reach the confirmation depth).")
  Long from;

  @Option(
      names = "--to",
      paramLabel = "B",
      description = "Last block: the job ends after it (default: run until Ctrl-C).")
  Long to;

  @Option(
      names = "--state",
      paramLabel = "DIR",
      description =
          "Checkpoint directory (default: cvm-stream/<manuscript hash> in the data home: "
              + CvmDataHome.DESCRIPTION
              + ").")
  Path state;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "2000",
      paramLabel = "MS",
      description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}).")
  long checkpointMillis;

  @Option(
      names = "--poll",
      defaultValue = "100",
      paramLabel = "MS",
      description = "Milliseconds between reads of the chain head (default: ${DEFAULT-VALUE}).")
  long pollMillis;

  @Option(
      names = "--keep-checkpoints",
      defaultValue = "" + ManuscriptStream.DEFAULT_KEEP_CHECKPOINTS,
      paramLabel = "N",
      description =
          "Complete checkpoints kept in --state, the newest (default: ${DEFAULT-VALUE}); older"
              + " ones and those of earlier runs are deleted.")
  int keepCheckpoints;

  @Option(
      names = "--quiet",
      description = "No progress lines (one per block and one per database commit).")
  boolean quiet;

  /**
   * Drops the shared options a stream has no use for (it reads the chain, not stored segments, and
   * never traces), so its help lists only what it reads and a stray one is a usage error.
   */
  static final class WithoutIngestOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      for (String name : new String[] {"--data", "--segment-blocks", "--traces"}) {
        CommandLine.Model.OptionSpec option = command.findOption(name);
        if (option != null) {
          command.remove(option);
        }
      }
      return command;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (checkpointMillis < 10 || pollMillis < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--checkpoint-interval must be >= 10 ms and --poll >= 1 ms");
    }
    if (keepCheckpoints < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--keep-checkpoints must be >= 1 (the newest checkpoint is where a restart resumes)");
    }
    if (to != null && from != null && to < from) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--to " + to + " is below --from " + from);
    }
    Manuscript m = new ManuscriptParser().parse(file);
    ManuscriptCommand.chainOf(m);
    java.util.List<String> problems = ManuscriptStream.problems(m);
    if (!problems.isEmpty()) {
      throw new EngineException(file + " cannot be streamed:\n  " + String.join("\n  ", problems));
    }
    PrintWriter err = spec.commandLine().getErr();
    Path stateDir =
        state != null
            ? state
            : options
                .inDataHome("cvm-stream")
                .resolve(HexFormat.of().formatHex(m.hash()).substring(0, 16));
    try (ProcessFileLock lock = lockState(stateDir)) {
      return stream(m, stateDir, err);
    }
  }

  /** One stream per state directory: a second one would write checkpoints over the first's. */
  private static ProcessFileLock lockState(Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    try {
      return ProcessFileLock.acquire(
          stateDir.resolve("stream.lock"),
          ProcessFileLock.Option.CREATE,
          ProcessFileLock.Option.RECORD_PID);
    } catch (ProcessFileLock.Held held) {
      throw new EngineException(
          "--state "
              + stateDir.toAbsolutePath().normalize()
              + " is in use by another cvm stream ("
              + held.holderPid().map(p -> "PID " + p).orElse("PID unknown")
              + "); stop it first, or give this one its own --state");
    }
  }

  private int stream(Manuscript m, Path stateDir, PrintWriter err) {
    long first;
    if (from != null) {
      first = from;
    } else {
      long head =
          new Web3jChainSource(
                  ChainAccess.read(URI.create(rpc), Optional.empty()).web3j(), Retry.defaults())
              .latestBlockNumberChecked();
      first = Math.max(0, head - options.confirmations + 1);
    }
    ManuscriptStream.Job job =
        ManuscriptStream.start(
            options.runtime(),
            m,
            new ManuscriptStream.Options(
                rpc,
                options.confirmations,
                first,
                to != null ? to : Long.MAX_VALUE,
                Duration.ofMillis(pollMillis),
                stateDir,
                Duration.ofMillis(checkpointMillis),
                Duration.ofMillis(20),
                !quiet,
                keepCheckpoints));
    String name = "stream " + file.getFileName();
    err.println(
        name
            + ": job "
            + job.id()
            + (job.resumedFrom().isPresent()
                ? " resumes from " + job.resumedFrom().get()
                : " starts at block " + first)
            + ", "
            + options.confirmations
            + " confirmations, checkpoints in "
            + stateDir.resolve("checkpoints")
            + (to == null ? " (Ctrl-C to stop)" : " until block " + to));
    err.flush();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread stopper =
        new Thread(
            () -> {
              stopping.set(true);
              job.cancelOnShutdown(Duration.ofSeconds(5));
              err.println(
                  name
                      + ": stopped; run the same command again to resume from its checkpoint in "
                      + stateDir.resolve("checkpoints"));
              err.flush();
            },
            "cvm-stream-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      job.await();
    } catch (RuntimeException e) {
      if (stopping.get()) {
        return 0; // cancelled by Ctrl-C / SIGTERM: the hook says so
      }
      throw e;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException shuttingDown) {
      return 0;
    }
    err.println(name + ": reached block " + to + ", done");
    err.flush();
    return 0;
  }
}
