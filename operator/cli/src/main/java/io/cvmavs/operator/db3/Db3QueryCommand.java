package io.cvmavs.operator.db3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.chainbasedb.query.Db3Query;
import io.cvmavs.chainbasedb.store.ChainbaseDb;
import io.cvmavs.operator.command.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs db3 query --db DIR | --rpc URL QUERY}: one query in the JSON form ({@link
 * Db3Query}), on a local ChainbaseDB or on a CVM chain node's ({@code abci_query /db3/query}).
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run one query on the ChainbaseDB in DIR (--db), or on a CVM chain node's ChainbaseDB over",
      "its CometBFT RPC (--rpc URL: abci_query /db3/query), and print the JSON answer. QUERY is a JSON object",
      "(or - to read it from stdin), e.g.",
      "  {\"op\":\"get\",\"db\":\"db3_db:cvm:0x…\",\"collection\":\"people\",\"id\":\"<32 hex>\"}",
      "  {\"op\":\"range\",…,\"index\":\"by_age\",\"low\":{\"values\":[20]},\"high\":{\"values\":[30]},\"limit\":10}",
      "  {\"op\":\"prefix\",…,\"index\":\"by_age\",\"values\":[25]}",
      "  {\"op\":\"knn\",…,\"index\":\"emb\",\"vector\":[0.1,0.2,…],\"k\":10}",
      "  {\"op\":\"neighbours\",…,\"index\":\"follows\",\"node\":\"alice\",\"direction\":\"out\"}",
      "  {\"op\":\"hops\",…,\"index\":\"follows\",\"node\":\"alice\",\"hops\":3}",
      "  {\"op\":\"path\",…,\"index\":\"follows\",\"from\":\"alice\",\"to\":\"carol\",\"max_hops\":6}",
      "Results are bounded (limit and k at most 1000). See docs/DB3-FORMAT.md §13."
    })
public final class Db3QueryCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Where where;

  /** Exactly one of a local store or a node. */
  static final class Where {
    @Option(names = "--db", paramLabel = "DIR", description = "A local ChainbaseDB.")
    Path dir;

    @Option(
        names = "--rpc",
        paramLabel = "URL",
        description = "A CVM chain node's CometBFT RPC, e.g. http://127.0.0.1:26657.")
    java.net.URI rpc;
  }

  @Parameters(index = "0", paramLabel = "QUERY", description = "The query (JSON), or -.")
  String query;

  @Override
  public Integer call() throws JsonProcessingException {
    String text = query;
    if (text.equals("-")) {
      try {
        text = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Db3CommandException("cannot read the query from stdin: " + e.getMessage(), e);
      }
    }
    if (where.rpc != null) {
      return remote(text);
    }
    try (ChainbaseDb db = ChainbaseDb.openExisting(where.dir)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(new Db3Query(db).run(text)));
      out.flush();
      return 0;
    }
  }

  private int remote(String text) {
    try (io.cvmavs.consensus.rpc.CometRpcClient client =
        new io.cvmavs.consensus.rpc.CometRpcClient(where.rpc, java.time.Duration.ofSeconds(30))) {
      io.cvmavs.consensus.rpc.RpcTypes.Query q =
          client.abciQuery("/db3/query", text.getBytes(StandardCharsets.UTF_8), 0, false);
      if (q.code() != 0) {
        spec.commandLine()
            .getErr()
            .println("refused by " + RpcUrls.redact(where.rpc.toString()) + ": " + q.log());
        spec.commandLine().getErr().flush();
        return 1;
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(q.value())));
      out.flush();
      return 0;
    } catch (IOException e) {
      throw new Db3CommandException(
          "RPC " + RpcUrls.redact(where.rpc.toString()) + ": " + e.getMessage(), e);
    }
  }
}
