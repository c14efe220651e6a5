package io.cvmavs.operator.cvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.operator.cli.CvmAvsCommand;
import io.cvmavs.operator.command.CliContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The CVM commands keep their data outside the working directory unless told otherwise. */
class CvmDataHomeTest {
  private static final String HOME = "/home/op";

  @Test
  void defaultsToTheXdgDataFolderUnderHome() {
    assertThat(CvmDataHome.resolve(Map.<String, String>of()::get, HOME))
        .isEqualTo(Path.of("/home/op/.local/share/cvm-avs"));
  }

  @Test
  void followsXdgDataHomeWhenAbsoluteAndTheOwnVariableFirst() {
    assertThat(CvmDataHome.resolve(Map.of("XDG_DATA_HOME", "/srv/xdg")::get, HOME))
        .isEqualTo(Path.of("/srv/xdg/cvm-avs"));
    assertThat(CvmDataHome.resolve(Map.of("XDG_DATA_HOME", "relative/xdg")::get, HOME))
        .as("a relative XDG_DATA_HOME is invalid per the spec and ignored")
        .isEqualTo(Path.of("/home/op/.local/share/cvm-avs"));
    assertThat(
            CvmDataHome.resolve(
                Map.of("XDG_DATA_HOME", "/srv/xdg", CvmDataHome.ENV, "/data/cvm-avs")::get, HOME))
        .isEqualTo(Path.of("/data/cvm-avs"));
  }

  @Test
  void manuscriptRunStoresUnderTheDataHomeNotTheWorkingDirectory() {
    CommandLine cli =
        CvmAvsCommand.commandLine(new CliContext(Map.of(CvmDataHome.ENV, "/data/home")::get));
    CommandLine.ParseResult parsed =
        cli.parseArgs("manuscript", "run", "m.yaml", "--from", "1", "--to", "2");
    CvmOptions options = runOptions(parsed);
    assertThat(options.data()).isEqualTo(Path.of("/data/home/cvm"));
    assertThat(options.data()).isAbsolute();

    CommandLine.ParseResult explicit =
        CvmAvsCommand.commandLine()
            .parseArgs("manuscript", "run", "m.yaml", "--from", "1", "--to", "2", "--data", "d");
    assertThat(runOptions(explicit).data()).isEqualTo(Path.of("d"));
  }

  private static CvmOptions runOptions(CommandLine.ParseResult parsed) {
    CommandLine.ParseResult leaf = parsed;
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    return ((ManuscriptCommand.Run) leaf.commandSpec().userObject()).options;
  }
}
