package io.cvmavs.operator.storage;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.HolderAssigner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs storage assign}: records the holders of every anchored group in {@code
 * StorageAudit} ({@link HolderAssigner}: rendezvous hashing over the registered operators); groups
 * already assigned are listed, not sent again.
 */
@Command(
    name = "assign",
    mixinStandardHelpOptions = true,
    description = {
      "Record the holders of the anchored groups in StorageAudit: for each group, the R registered",
      "operators of highest rendezvous score keccak256(groupHash ‖ operator) (docs/STORAGE.md",
      "\"Holders\"). Sent from the config's submitter_keystore (StorageAudit's owner); its password:",
      "OPERATOR_ECDSA_KEY_PASSWORD, else a prompt."
    })
public final class StorageAssignCommand extends CliCommand {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "anchor.yaml.")
  Path config;

  @Option(
      names = "--deployment",
      required = true,
      paramLabel = "FILE",
      description = "The deployment JSON (StorageAudit, CvmRegistry, deploymentBlock).")
  Path deployment;

  @Option(
      names = "--replication",
      defaultValue = "2",
      paramLabel = "R",
      description = "Holders per group (default: ${DEFAULT-VALUE}).")
  int replication;

  @Option(
      names = "--quorum",
      defaultValue = "0",
      paramLabel = "Q",
      description = "The quorum whose operators hold groups (default: ${DEFAULT-VALUE}).")
  int quorum;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    AnchorConfig c = AnchorConfig.load(config);
    Path keystore =
        c.submitterKeystore()
            .orElseThrow(
                () ->
                    new AnchorConfigException(
                        c.file() + ": field 'submitter_keystore' is required to assign holders"));
    Deployments d = Deployments.read(deployment);
    Transactor tx =
        ChainAccess.open(
            c.ethRpcUrl(),
            new KeystoreAccess(CliContext.of(spec)).openEcdsa(keystore),
            c.chainId());
    StorageAuditClient audit = new StorageAuditClient(tx.reader(), d.address("StorageAudit"));
    RegistryReader registry = new RegistryReader(tx, d.address("CvmRegistry"));
    long from = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    HolderAssigner assigner =
        new HolderAssigner(
            audit, HolderAssigner.registeredOperators(registry, quorum, from), replication);
    List<AnchoredGroup> anchors = StorageSetup.anchors(c, tx.reader());
    for (AnchoredGroup g : anchors) {
      List<String> holders = assigner.assign(tx, g.groupHash(), g.auditRoot(), g.fileSize());
      out.printf(
          "[assign] group %s (%s): %s%n",
          g.heights(), StorageSetup.shortHex(g.groupHash()), String.join(", ", holders));
    }
    out.printf("[assign] %d group(s), StorageAudit %s%n", anchors.size(), audit.address());
    out.flush();
    return 0;
  }
}
