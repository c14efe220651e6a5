package io.cvmavs.operator.rewards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cvmavs.chain.rewards.OperatorRewards;
import io.cvmavs.chain.rewards.RewardsContracts;
import io.cvmavs.chain.rewards.RewardsReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigLoader;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs rewards --config F}: what the AVS submitted to EigenLayer for this operator
 * (earned), what it claimed, and what is left to claim once a root covers it (read-only, no key).
 * {@code cvm-avs rewards run}: the AVS's periodic submitter ({@link RewardsRunCommand}).
 */
@Command(
    name = "rewards",
    mixinStandardHelpOptions = true,
    subcommands = RewardsRunCommand.class,
    description =
        "Print the operator's rewards: amounts submitted to EigenLayer's RewardsCoordinator for it"
            + " (earned), claimed, and unclaimed, per submission (no password needed).")
public final class RewardsCommand extends CliCommand {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "operator.yaml (required unless a subcommand is given)")
  Path config;

  @Option(
      names = "--claim",
      description =
          "Devnet: claim what the latest root (the local root poster's) holds for the operator, to"
              + " itself (ECDSA key; password from OPERATOR_ECDSA_KEY_PASSWORD or a prompt).")
  boolean claim;

  @Override
  public Integer call() throws Exception {
    if (config == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "Missing required option: '--config=FILE'");
    }
    OperatorConfig c = OperatorConfigLoader.load(config);
    String operator =
        new ObjectMapper()
            .readTree(c.ecdsaKeystore().toFile())
            .path("address")
            .asText()
            .toLowerCase(Locale.ROOT);
    if (!operator.startsWith("0x")) {
      operator = "0x" + operator;
    }
    RpcClient rpc = ChainAccess.read(c.ethRpcUrl(), c.chainId());
    RewardsContracts at =
        new RewardsContracts(
            c.address("CvmServiceManager"),
            c.address("RewardsCoordinator"),
            c.address("CvmTaskFees"));
    ObjectNode out =
        report(new RewardsReader(rpc, at), at, operator, c.address("CToken"), c.startBlock());
    spec.commandLine()
        .getOut()
        .println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
    return 0;
  }

  /**
   * The report for {@code operator} in {@code token}, scanning submissions from {@code fromBlock}.
   */
  public static ObjectNode report(
      RewardsReader reader, RewardsContracts at, String operator, String token, long fromBlock) {
    OperatorRewards r = OperatorRewards.read(reader, at, operator, token, fromBlock);
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.put("operator", r.operator());
    out.put("token", r.token());
    ArrayNode subs = out.putArray("submissions");
    for (OperatorRewards.Paid p : r.submissions()) {
      subs.addObject()
          .put("start", p.start())
          .put("duration", p.duration())
          .put("amount", p.amount().toString())
          .put("tx", p.txHash());
    }
    out.put("earned", r.earned().toString());
    out.put("claimed", r.claimed().toString());
    out.put("unclaimed", r.unclaimed().toString());
    out.put("distribution_roots", r.distributionRoots());
    out.put("roots_cover_until", r.rootsCoverUntil());
    out.put("operator_split_bips", r.operatorSplitBips());
    return out;
  }
}
