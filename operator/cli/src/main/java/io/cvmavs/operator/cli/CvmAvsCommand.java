package io.cvmavs.operator.cli;

import io.cvmavs.cvm.CvmException;
import io.cvmavs.operator.OperatorException;
import io.cvmavs.operator.aggregator.AggregatorCommand;
import io.cvmavs.operator.challenger.ChallengerCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.command.CliRoot;
import io.cvmavs.operator.consensus.ConsensusCommand;
import io.cvmavs.operator.cvm.CvmCommand;
import io.cvmavs.operator.cvm.IngestCommand;
import io.cvmavs.operator.cvm.ManuscriptCommand;
import io.cvmavs.operator.db3.Db3Command;
import io.cvmavs.operator.devnet.DevnetCommand;
import io.cvmavs.operator.keys.KeysCommand;
import io.cvmavs.operator.light.LightCommand;
import io.cvmavs.operator.light.LightVerifyCommand;
import io.cvmavs.operator.monitor.MonitorCommand;
import io.cvmavs.operator.node.NodeCommand;
import io.cvmavs.operator.registration.OperatorCommand;
import io.cvmavs.operator.relayer.BridgeCommand;
import io.cvmavs.operator.relayer.RelayerCommand;
import io.cvmavs.operator.rewards.RewardsCommand;
import io.cvmavs.operator.signer.SlashingProtectionCommand;
import io.cvmavs.operator.stake.StakeCommand;
import io.cvmavs.operator.storage.AnchorCommand;
import io.cvmavs.operator.storage.StorageCommand;
import io.cvmavs.operator.taskgen.TaskGeneratorCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Root of the {@code cvm-avs} command tree.
 *
 * <p>Exit codes: 0 success; 1 the command failed (the message says why); 2 usage error (unknown
 * command or option, bad value).
 */
@Command(
    name = "cvm-avs",
    mixinStandardHelpOptions = true,
    versionProvider = CvmAvsCommand.Version.class,
    description = "Operator, aggregator and devnet tooling for the CVM AVS (EigenLayer).",
    subcommands = {
      KeysCommand.class,
      OperatorCommand.class,
      IngestCommand.class,
      ManuscriptCommand.class,
      CvmCommand.class,
      NodeCommand.class,
      AggregatorCommand.class,
      ChallengerCommand.class,
      TaskGeneratorCommand.class,
      MonitorCommand.class,
      SlashingProtectionCommand.class,
      StakeCommand.class,
      RewardsCommand.class,
      LightCommand.class,
      AnchorCommand.class,
      StorageCommand.class,
      ConsensusCommand.class,
      RelayerCommand.class,
      BridgeCommand.class,
      DevnetCommand.class,
      Db3Command.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:the command failed",
      "2:usage error (unknown command or option, bad value)"
    })
public final class CvmAvsCommand implements Runnable, CliRoot {
  public static final int EXIT_FAILURE = CliRoot.EXIT_FAILURE;

  @Spec CommandSpec spec;

  private final CliContext context;

  CvmAvsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public CliContext context() {
    return context;
  }

  @Override
  public CommandLine newCommandLine(CliContext context) {
    return commandLine(context);
  }

  @Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces of failures.")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: see the list below.");
  }

  /** The configured command line: error handling and exit codes shared by every subcommand. */
  public static CommandLine commandLine() {
    return commandLine(CliContext.system());
  }

  /** The command line with an explicit context (tests pass their own environment). */
  public static CommandLine commandLine(CliContext context) {
    CommandLine commandLine = new CommandLine(new CvmAvsCommand(context));
    commandLine.setExecutionExceptionHandler(CvmAvsCommand::handleFailure);
    commandLine.setParameterExceptionHandler(CvmAvsCommand::handleUsageError);
    return commandLine;
  }

  /**
   * Usage errors: the reason, suggestions for a mistyped command, and where to find help; exit code
   * 2.
   */
  private static int handleUsageError(CommandLine.ParameterException problem, String[] args) {
    CommandLine commandLine = problem.getCommandLine();
    PrintWriter err = commandLine.getErr();
    String message = problem.getMessage();
    if (commandLine.getCommand() instanceof LightVerifyCommand verify) {
      // light verify answers every unusable input with its one JSON line on stdout
      err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return verify.usageError(message);
    }
    if (problem instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().getFirst().startsWith("-")
        && !commandLine.getSubcommands().isEmpty()) {
      message =
          "unknown command '"
              + unmatched.getUnmatched().getFirst()
              + "' (commands: "
              + String.join(", ", commandLine.getSubcommands().keySet())
              + ")";
    }
    err.println("cvm-avs: " + message);
    CommandLine.UnmatchedArgumentException.printSuggestions(problem, err);
    err.println("Run '" + commandLine.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }

  private static int handleFailure(
      Exception failure, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + describe(failure));
    CommandLine root = commandLine;
    while (root.getParent() != null) {
      root = root.getParent();
    }
    if (root.getCommand() instanceof CvmAvsCommand command && command.debug) {
      failure.printStackTrace(err);
    } else if (debugShowsMore(failure)) {
      err.println("(run with --debug for the stack trace)");
    }
    err.flush();
    return EXIT_FAILURE;
  }

  /**
   * Whether --debug would add to the message: not for a refusal of ours (a {@link CvmException} or
   * {@link OperatorException} without a cause), whose message already says what and where and whose
   * stack trace only shows our own frames; yes for anything unexpected or with an underlying cause.
   */
  static boolean debugShowsMore(Throwable failure) {
    boolean refusal =
        failure instanceof CvmException
            || failure instanceof OperatorException
            || failure instanceof io.cvmavs.chainbasedb.Db3Exception;
    return !refusal || failure.getCause() != null;
  }

  private static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }

  /** Reads the version filtered into {@code cvm-avs-version.properties} by the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties properties = new Properties();
      try (InputStream in =
          CvmAvsCommand.class.getResourceAsStream("/cvm-avs-version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      }
      return new String[] {
        "cvm-avs " + properties.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
