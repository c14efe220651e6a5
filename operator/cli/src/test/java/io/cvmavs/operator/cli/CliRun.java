package io.cvmavs.operator.cli;

import io.cvmavs.operator.command.CliContext;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The tests' one way to run {@code cvm-avs} in-process: the real command line with its error
 * handling and exit codes, stdout and stderr written into the test's buffers.
 */
public final class CliRun {
  private CliRun() {}

  /** {@code cvm-avs ARGS} in the process's environment. */
  public static int run(StringWriter out, StringWriter err, String... args) {
    return run(CliContext.system(), out, err, args);
  }

  /** {@code cvm-avs ARGS} in the given context (its environment holds the test's passwords). */
  public static int run(CliContext context, StringWriter out, StringWriter err, String... args) {
    CommandLine cli = CvmAvsCommand.commandLine(context);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  /** The command's words, then the test's arguments: {@code words(args, "cvm", "stream")}. */
  public static String[] words(String[] args, String... command) {
    return Stream.concat(Stream.of(command), Stream.of(args)).toArray(String[]::new);
  }
}
