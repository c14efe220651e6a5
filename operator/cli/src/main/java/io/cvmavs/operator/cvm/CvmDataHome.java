package io.cvmavs.operator.cvm;

import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.command.CliRoot;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where the CVM commands ({@code ingest}, {@code manuscript run}, {@code cvm …}) keep their data
 * when {@code --data} / {@code --blocks} are not given: outside the working directory, so running
 * them in a source checkout leaves nothing behind. In order: {@code $CVM_AVS_DATA_HOME}, {@code
 * $XDG_DATA_HOME/cvm-avs} (when absolute, as the XDG spec requires), {@code
 * ~/.local/share/cvm-avs}.
 */
public final class CvmDataHome {
  /** Environment variable that overrides the data home. */
  public static final String ENV = "CVM_AVS_DATA_HOME";

  /** How the help texts describe the default. */
  static final String DESCRIPTION =
      "$" + ENV + ", else $XDG_DATA_HOME/cvm-avs, else ~/.local/share/cvm-avs";

  private CvmDataHome() {}

  /** The data home for the environment {@code env} and the user's home folder {@code userHome}. */
  public static Path resolve(Function<String, String> env, String userHome) {
    String own = env.apply(ENV);
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.apply("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "cvm-avs");
    }
    return Path.of(userHome, ".local", "share", "cvm-avs");
  }

  /**
   * The data home for a command: its environment from {@link CliContext} (tests inject one), or the
   * process's when the command runs outside {@code cvm-avs}'s command line.
   */
  static Path of(CommandSpec spec) {
    Function<String, String> env =
        spec.root().userObject() instanceof CliRoot
            ? CliContext.of(spec).environment()
            : System::getenv;
    return resolve(env, System.getProperty("user.home"));
  }
}
