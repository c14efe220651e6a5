package io.cvmavs.operator.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import org.web3j.crypto.Keys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code cvm-avs operator status --config F}: registration, stake, allocation, liveness, rewards.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Print the operator's registration, operatorId, stake per quorum, allocation and slashable"
            + " stake, missed attestations, slashed / ejected, liveness SLA and rewards (earned, claimed,"
            + " unclaimed; null without a RewardsCoordinator in the deployment) (no password"
            + " needed).")
public final class StatusCommand extends CliCommand {
  @Mixin OperatorConfigFile config;

  @Override
  public Integer call() throws Exception {
    OperatorConfig c = config.load();
    String operator =
        Keys.toChecksumAddress(
            new ObjectMapper().readTree(c.ecdsaKeystore().toFile()).path("address").asText());
    // Reads only: no key.
    RpcClient rpc = ChainAccess.read(c.ethRpcUrl(), c.chainId());
    spec.commandLine()
        .getOut()
        .println(
            new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(
                    OperatorStatus.read(
                        RegistrationContracts.from(c),
                        rpc,
                        operator.toLowerCase(),
                        OperatorStatus.rewardsSource(c))));
    return 0;
  }
}
