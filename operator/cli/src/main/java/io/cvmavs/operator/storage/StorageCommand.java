package io.cvmavs.operator.storage;

import io.cvmavs.operator.command.CommandGroup;
import picocli.CommandLine.Command;

/**
 * {@code cvm-avs storage …}: recovery, audits, holder assignment and attested audits of anchored
 * block groups, and the Arweave wallet the anchoring service signs with.
 */
@Command(
    name = "storage",
    mixinStandardHelpOptions = true,
    description =
        "Anchored CVM block groups: recover a block store, audit a holder, assign holders, attest"
            + " an audit on chain; import an Arweave key.",
    subcommands = {
      StorageRecoverCommand.class,
      StorageAuditCommand.class,
      StorageAssignCommand.class,
      StorageAttestCommand.class,
      StorageImportArweaveKeyCommand.class
    })
public final class StorageCommand extends CommandGroup {}
