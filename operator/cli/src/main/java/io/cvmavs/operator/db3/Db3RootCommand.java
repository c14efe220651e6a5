package io.cvmavs.operator.db3;

import io.cvmavs.chainbasedb.store.ChainbaseDb;
import io.cvmavs.operator.command.CliCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cvm-avs db3 root --db DIR [--verify]}: the height and state root of a ChainbaseDB. */
@Command(
    name = "root",
    mixinStandardHelpOptions = true,
    description = {
      "Print the chain id, height and state root of the ChainbaseDB in DIR. With --verify, also",
      "recompute the root from a full scan of the state and compare (exit 1 when they differ)."
    })
public final class Db3RootCommand extends CliCommand {
  @Option(names = "--db", required = true, paramLabel = "DIR", description = "The ChainbaseDB.")
  Path dir;

  @Option(names = "--verify", description = "Recompute the root from a full scan and compare.")
  boolean verify;

  @Override
  public Integer call() {
    try (ChainbaseDb db = ChainbaseDb.openExisting(dir)) {
      PrintWriter out = spec.commandLine().getOut();
      byte[] root = db.stateRoot();
      out.println("chain id " + Long.toUnsignedString(db.validator().chainId()));
      Db3ApplyCommand.printRoot(out, db);
      int code = 0;
      if (verify) {
        byte[] full = db.recomputeStateRoot();
        boolean same = Arrays.equals(full, root);
        out.println(
            "recomputed 0x" + HexFormat.of().formatHex(full) + (same ? " (same)" : " (DIFFERENT)"));
        code = same ? 0 : 1;
      }
      out.flush();
      return code;
    }
  }
}
