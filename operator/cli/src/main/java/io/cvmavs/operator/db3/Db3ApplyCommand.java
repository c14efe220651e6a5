package io.cvmavs.operator.db3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chainbasedb.format.FormatException;
import io.cvmavs.chainbasedb.format.MutationJson;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import io.cvmavs.chainbasedb.validate.Refusal;
import io.cvmavs.operator.command.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs db3 apply --db DIR [--chain-id N] [--skip-refused] FILE.json}: applies signed
 * mutations in their JSON form (docs/DB3-FORMAT.md §6) to a local ChainbaseDB as one block.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Apply signed DB3 mutations (a JSON array of mutations in the JSON form, or one mutation) to",
      "the ChainbaseDB in DIR as one block, with every CheckTx check. By default all or nothing: if",
      "any mutation is refused, each refusal is printed with its code and field and nothing is",
      "applied. With --skip-refused the others are applied, as FinalizeBlock does. Prints one line",
      "per mutation, then the new height and state root."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every mutation applied",
      "1:a mutation was refused (or the command failed)",
      "2:usage error"
    })
public final class Db3ApplyCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--db",
      required = true,
      paramLabel = "DIR",
      description = "The ChainbaseDB directory (created when missing; then --chain-id is needed).")
  Path dir;

  @Option(
      names = "--chain-id",
      paramLabel = "N",
      description = "The CVM chain id mutations must carry (checked against the store's).")
  Long chainId;

  @Option(
      names = "--skip-refused",
      description = "Apply the accepted mutations even when others are refused.")
  boolean skipRefused;

  @Parameters(index = "0", paramLabel = "FILE.json", description = "The signed mutations.")
  Path file;

  @Override
  public Integer call() {
    List<JsonNode> items = read(file);
    PrintWriter out = spec.commandLine().getOut();
    boolean exists = Files.isRegularFile(dir.resolve("CURRENT"));
    if (!exists && chainId == null) {
      throw new Db3CommandException("no ChainbaseDB at " + dir + "; give --chain-id to create one");
    }
    try (ChainbaseDb db =
        chainId == null ? ChainbaseDb.openExisting(dir) : ChainbaseDb.open(dir, chainId)) {
      // The JSON form first: a mutation that does not parse is refused like its binary form.
      List<byte[]> encoded = new ArrayList<>();
      List<Integer> positions = new ArrayList<>();
      Refusal[] refusals = new Refusal[items.size()];
      for (int i = 0; i < items.size(); i++) {
        try {
          encoded.add(MutationJson.fromJson(items.get(i).toString()).encode());
          positions.add(i);
        } catch (FormatException e) {
          refusals[i] = MutationValidator.refusalOf(e);
        }
      }
      // CheckTx in order, as a mempool would.
      ChainbaseDb.CheckSession session = db.checkSession();
      for (int j = 0; j < encoded.size(); j++) {
        try {
          session.check(encoded.get(j));
        } catch (Refusal r) {
          refusals[positions.get(j)] = r;
        }
      }
      boolean anyRefused = false;
      for (Refusal r : refusals) {
        anyRefused |= r != null;
      }
      if (anyRefused && !skipRefused) {
        for (int i = 0; i < items.size(); i++) {
          out.println(
              "mutation["
                  + i
                  + "]: "
                  + (refusals[i] == null ? "accepted" : "refused " + refusals[i].getMessage()));
        }
        out.println("nothing applied (all or nothing; --skip-refused applies the others)");
        printRoot(out, db);
        out.flush();
        return 1;
      }
      List<byte[]> block = new ArrayList<>();
      List<Integer> blockPositions = new ArrayList<>();
      for (int j = 0; j < encoded.size(); j++) {
        if (refusals[positions.get(j)] == null) {
          block.add(encoded.get(j));
          blockPositions.add(positions.get(j));
        }
      }
      if (!block.isEmpty()) {
        ChainbaseDb.BlockResult res = db.apply(db.height() + 1, block);
        for (ChainbaseDb.TxResult t : res.results()) {
          t.refusal().ifPresent(r -> refusals[blockPositions.get(t.index())] = r);
        }
      }
      boolean refused = false;
      for (int i = 0; i < items.size(); i++) {
        refused |= refusals[i] != null;
        out.println(
            "mutation["
                + i
                + "]: "
                + (refusals[i] == null ? "applied" : "refused " + refusals[i].getMessage()));
      }
      printRoot(out, db);
      out.flush();
      return refused ? 1 : 0;
    }
  }

  static void printRoot(PrintWriter out, ChainbaseDb db) {
    out.println(
        "height " + db.height() + " state root 0x" + HexFormat.of().formatHex(db.stateRoot()));
  }

  static List<JsonNode> read(Path file) {
    JsonNode n;
    try {
      n = JSON.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new Db3CommandException(file + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new Db3CommandException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (n == null || (!n.isArray() && !n.isObject())) {
      throw new Db3CommandException(
          file + " must hold a JSON array of mutations or one mutation object");
    }
    List<JsonNode> items = new ArrayList<>();
    if (n.isArray()) {
      n.forEach(items::add);
    } else {
      items.add(n);
    }
    if (items.isEmpty()) {
      throw new Db3CommandException(file + " holds no mutations");
    }
    return items;
  }
}
