package io.cvmavs.operator.registration;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.config.OperatorConfig;
import io.cvmavs.operator.config.OperatorConfigFile;
import io.cvmavs.operator.keys.KeystoreAccess;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cvm-avs operator deregister --config F [--deallocate]}. */
@Command(
    name = "deregister",
    mixinStandardHelpOptions = true,
    description = {
      "Leave the CVM AVS: AllocationManager.deregisterFromOperatorSets for the AVS operator set;"
          + " CvmRegistry marks the operator inactive and drops its stake from the quorum"
          + " (idempotent: a re-run says 'already deregistered').",
      "",
      "Allocations are not touched unless --deallocate: the magnitude stays allocated to the set."
          + " The operator stays slashable for DEALLOCATION_DELAY blocks after deregistering (for"
          + " tasks it may already have signed), and a deallocation takes effect only after that"
          + " delay; only then can the magnitude go to another operator set or the shares be"
          + " withdrawn (DelegationManager's own withdrawal delay applies on top). Stop the node"
          + " afterwards: the aggregator refuses signatures of inactive operators."
    })
public final class DeregisterCommand extends CliCommand {
  @Mixin OperatorConfigFile config;

  @Option(
      names = "--deallocate",
      description =
          "Also set the magnitude allocated to the operator set to 0 (effective after the"
              + " deallocation delay).")
  boolean deallocate;

  @Override
  public Integer call() {
    OperatorConfig c = config.load();
    KeystoreAccess keys = new KeystoreAccess(CliContext.of(spec));
    Transactor operator =
        ChainAccess.open(c.ethRpcUrl(), keys.openEcdsa(c.ecdsaKeystore()), c.chainId());
    PrintWriter out = spec.commandLine().getOut();
    new OperatorLifecycle(RegistrationContracts.from(c), operator, out::println)
        .deregister(deallocate);
    return 0;
  }
}
