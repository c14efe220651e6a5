package io.cvmavs.operator.db3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chainbasedb.format.FormatException;
import io.cvmavs.chainbasedb.format.Mutation;
import io.cvmavs.chainbasedb.format.MutationJson;
import io.cvmavs.chainbasedb.signature.MutationSigner;
import io.cvmavs.chainbasedb.validate.MutationValidator;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.ECKeyPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cvm-avs db3 sign --ecdsa-keystore FILE [--chain-id N] [--nonce N] FILE.json}: signs DB3
 * mutations with an Ethereum key (the {@code eth} scheme: EIP-191 personal_sign over the signing
 * root, docs/DB3-FORMAT.md §11) and prints them in the JSON form {@code db3 submit} and {@code db3
 * apply} take. The password comes from {@code OPERATOR_ECDSA_KEY_PASSWORD} or a prompt.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    description = {
      "Sign DB3 mutations with an Ethereum key (ECDSA keystore; password from",
      "OPERATOR_ECDSA_KEY_PASSWORD or a prompt). FILE.json holds one mutation or a JSON array of",
      "them in the JSON form (docs/DB3-FORMAT.md §10); only `type` and `data` are needed:",
      "`version` defaults to 1, `sender_payment_chain_id` to eth, `chain_id` and `nonce` come",
      "from the options when given (nonces N, N+1, ... in file order), and any signature in the",
      "file is replaced. Prints the signed mutations (a JSON array) on standard output and the",
      "signer's identity on standard error."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:signed",
      "1:a mutation does not parse, or the keystore fails",
      "2:usage error"
    })
public final class Db3SignCommand extends CliCommand {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--ecdsa-keystore",
      required = true,
      paramLabel = "FILE",
      description = "The Ethereum key (Web3 Secret Storage, as `keys create --type ecdsa` writes).")
  Path keystore;

  @Option(
      names = "--chain-id",
      paramLabel = "N",
      description =
          "The DB3 chain_id (of the devnet's CVM chain: `db3 query --rpc URL` prints it with"
              + " /db3/root); default: each mutation's own.")
  Long chainId;

  @Option(
      names = "--nonce",
      paramLabel = "N",
      description = "The first mutation's nonce, then one more each; default: each mutation's own.")
  Long nonce;

  @Parameters(index = "0", paramLabel = "FILE.json", description = "The mutations to sign.")
  Path file;

  @Override
  public Integer call() {
    if (nonce != null && nonce < 0) {
      throw new Db3CommandException("--nonce must be >= 0, got " + nonce);
    }
    if (chainId != null && chainId < 0) {
      throw new Db3CommandException("--chain-id must be >= 0, got " + chainId);
    }
    List<JsonNode> items = Db3ApplyCommand.read(file);
    List<Mutation> unsigned = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (!(items.get(i) instanceof ObjectNode o)) {
        throw new Db3CommandException(file + ": mutation[" + i + "] is not a JSON object");
      }
      ObjectNode m = o.deepCopy();
      m.putIfAbsent("version", JSON.getNodeFactory().numberNode(Mutation.VERSION));
      m.putIfAbsent("sender_payment_chain_id", JSON.getNodeFactory().textNode("eth"));
      m.put("sender_signature", "0x");
      m.putNull("sender_public_key");
      if (chainId != null) {
        m.put("chain_id", Long.toUnsignedString(chainId));
      }
      if (nonce != null) {
        m.put("nonce", Long.toUnsignedString(nonce + i));
      }
      if (!"eth".equals(m.path("sender_payment_chain_id").asText())) {
        throw new Db3CommandException(
            file
                + ": mutation["
                + i
                + "] sender_payment_chain_id is '"
                + m.path("sender_payment_chain_id").asText()
                + "', but this command signs with an Ethereum key (eth)");
      }
      try {
        unsigned.add(MutationJson.fromJson(m.toString()));
      } catch (FormatException e) {
        throw new Db3CommandException(
            file + ": mutation[" + i + "] " + MutationValidator.refusalOf(e).getMessage());
      }
    }
    ECKeyPair key = new KeystoreAccess(CliContext.of(spec)).openEcdsa(keystore);
    MutationSigner signer = MutationSigner.eth(key);
    ArrayNode out = JSON.createArrayNode();
    try {
      for (Mutation m : unsigned) {
        out.add(JSON.readTree(MutationJson.toJson(signer.sign(m))));
      }
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
      stdout.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    PrintWriter err = spec.commandLine().getErr();
    err.printf("signed %d mutation(s) as %s%n", unsigned.size(), signer.identity());
    err.flush();
    return 0;
  }
}
