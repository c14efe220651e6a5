package io.cvmavs.operator.db3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.chainbasedb.format.FormatException;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.MutationJson;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.proto.app.Db3Mutation;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.operator.command.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs db3 submit --rpc URL FILE.json}: sends signed mutations to a CVM chain node as
 * {@code Db3Mutation} transactions ({@code broadcast_tx_sync}: the node's CheckTx answers).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submit signed DB3 mutations (a JSON array of mutations in the JSON form, or one mutation)",
      "to a CVM chain node over its CometBFT RPC, in file order, each as a Db3Mutation",
      "transaction with broadcast_tx_sync. Each mutation's chain_id is checked against the",
      "chain's (/db3/root) first. Prints one line per mutation: accepted into the mempool with",
      "its transaction hash, or refused with the node's code and log (naming the field)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every mutation accepted by the node's CheckTx",
      "1:a mutation was refused (or the command failed)",
      "2:usage error"
    })
public final class Db3SubmitCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--rpc",
      required = true,
      paramLabel = "URL",
      description = "The node's CometBFT RPC, e.g. http://127.0.0.1:26657.")
  URI rpc;

  @Parameters(index = "0", paramLabel = "FILE.json", description = "The signed mutations.")
  Path file;

  @Override
  public Integer call() {
    List<JsonNode> items = Db3ApplyCommand.read(file);
    List<Mutation> mutations = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      try {
        mutations.add(MutationJson.fromJson(items.get(i).toString()));
      } catch (FormatException e) {
        throw new Db3CommandException(
            file + ": mutation[" + i + "] refused " + MutationValidator.refusalOf(e).getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (CometRpcClient client = new CometRpcClient(rpc, Duration.ofSeconds(30))) {
      String chain = chainId(client);
      for (int i = 0; i < mutations.size(); i++) {
        String own = Long.toUnsignedString(mutations.get(i).chainId());
        if (!own.equals(chain)) {
          throw new Db3CommandException(
              file
                  + ": mutation["
                  + i
                  + "].chain_id "
                  + own
                  + " is not the chain's DB3 chain id "
                  + chain
                  + " (/db3/root at "
                  + RpcUrls.redact(rpc.toString())
                  + "); nothing submitted");
        }
      }
      boolean refused = false;
      for (int i = 0; i < mutations.size(); i++) {
        byte[] tx =
            TxCodec.envelope(
                TxEnvelope.newBuilder()
                    .setDb3Mutation(
                        Db3Mutation.newBuilder()
                            .setMutation(ByteString.copyFrom(mutations.get(i).encode()))));
        RpcTypes.TxSync r = client.broadcastTxSync(tx);
        if (r.code() == 0) {
          out.println("mutation[" + i + "]: accepted, tx " + r.hash());
        } else {
          refused = true;
          out.println(
              "mutation["
                  + i
                  + "]: refused code "
                  + r.code()
                  + (r.codespace() == null || r.codespace().isEmpty()
                      ? ""
                      : " (" + r.codespace() + ")")
                  + ": "
                  + r.log());
        }
      }
      out.flush();
      return refused ? 1 : 0;
    } catch (RpcException e) {
      throw new Db3CommandException(
          "RPC " + RpcUrls.redact(rpc.toString()) + ": " + e.getMessage(), e);
    }
  }

  /** The chain's DB3 chain id from {@code /db3/root}. */
  static String chainId(CometRpcClient client) throws RpcException {
    RpcTypes.Query q = client.abciQuery("/db3/root", new byte[0], 0, false);
    if (q.code() != 0) {
      throw new Db3CommandException(
          "the node answers /db3/root with code " + q.code() + ": " + q.log());
    }
    try {
      return JSON.readTree(q.value()).path("chain_id").asText();
    } catch (IOException e) {
      throw new Db3CommandException(
          "the node's /db3/root answer is not JSON: " + e.getMessage(), e);
    }
  }
}
