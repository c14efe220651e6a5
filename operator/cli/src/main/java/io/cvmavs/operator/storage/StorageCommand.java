package io.cvmavs.operator.storage;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code cvm-avs storage …}: recovery and audits of anchored block groups, and the Arweave wallet
 * the anchoring service signs with.
 */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    description =
        "Anchored CVM block groups: recover a block store, audit a holder; import an Arweave key.",
    subcommands = {
      StorageRecoverCommand.class,
      StorageAuditCommand.class,
      StorageImportArweaveKeyCommand.class
    })
public final class StorageCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: recover, audit or import-arweave-key.");
  }
}
