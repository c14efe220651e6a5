package io.cvmavs.operator.signer;

import io.cvmavs.operator.command.CliCommand;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs slashing-protection export|import}: move an operator's signing record between
 * machines. Run with the node stopped (the journal is locked while a node uses it).
 */
@Command(
    name = "slashing-protection",
    mixinStandardHelpOptions = true,
    description = "Export or import the record of signed attestations (stop the node first).",
    subcommands = {SlashingProtectionCommand.Export.class, SlashingProtectionCommand.Import.class})
public final class SlashingProtectionCommand {
  private SlashingProtectionCommand() {}

  /** What both subcommands take: the node's data directory, whose journal they read or extend. */
  abstract static class OnDataDir extends CliCommand {
    @Option(
        names = "--data-dir",
        required = true,
        paramLabel = "DIR",
        description = "The node's data directory.")
    Path dataDir;
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Write every record to a JSON file.")
  static final class Export extends OnDataDir {
    @Option(
        names = "--to",
        required = true,
        paramLabel = "FILE",
        description = "Export file to write.")
    Path to;

    @Override
    public Integer call() {
      try (FileSlashingProtectionStore store = FileSlashingProtectionStore.openExisting(dataDir)) {
        int count = SlashingProtectionInterchange.export(store, to);
        spec.commandLine().getOut().println("exported " + count + " signed attestations to " + to);
      }
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Add the records of an export; all-or-nothing, refused on any conflict.")
  static final class Import extends OnDataDir {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "FILE",
        description = "Export file to read.")
    Path from;

    @Override
    public Integer call() {
      var records = SlashingProtectionInterchange.read(from);
      try (FileSlashingProtectionStore store = FileSlashingProtectionStore.open(dataDir)) {
        int added = store.importAll(records);
        spec.commandLine()
            .getOut()
            .println(
                "imported "
                    + added
                    + " new of "
                    + records.size()
                    + " signed attestations from "
                    + from);
      }
      return 0;
    }
  }
}
