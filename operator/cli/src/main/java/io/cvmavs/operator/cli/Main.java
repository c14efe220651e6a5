package io.cvmavs.operator.cli;

/** Entry point of the {@code cvm-avs} command (run by {@code bin/cvm-avs}). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(CvmAvsCommand.commandLine().execute(args));
  }
}
