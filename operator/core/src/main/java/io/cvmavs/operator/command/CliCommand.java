package io.cvmavs.operator.command;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of the {@code cvm-avs} tree that does the work itself: picocli injects its spec (its
 * command line, output and error streams, the root's {@link CliContext}) into {@link #spec} before
 * {@link #call()}.
 */
public abstract class CliCommand implements Callable<Integer> {
  @Spec protected CommandSpec spec;
}
