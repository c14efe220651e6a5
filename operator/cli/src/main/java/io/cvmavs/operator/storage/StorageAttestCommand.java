package io.cvmavs.operator.storage;

import io.cvmavs.chain.avs.RegistryReader;
import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.storage.StorageAuditClient;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.operator.keys.KeystoreAccess;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.AttestedAudit;
import io.cvmavs.storage.backend.StorageBackend;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs storage attest}: one audit round of a holder attested by the AVS's BLS quorum
 * ({@link AttestedAudit}) with the auditing operators' keystores given here (a devnet or a
 * single-host run: every key is in this process), submitted to {@code StorageAudit}; a failed round
 * slashes the holder there. Exit 1 when the recorded outcome is a failure.
 */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = {
      "Audit a holder's copy of an anchored group with each given operator BLS key, aggregate the",
      "signed verdicts and submit the outcome to StorageAudit, which checks it against the AVS's",
      "stake-weighted quorum at the seed block; a failed outcome slashes the holder. BLS keystore",
      "password: OPERATOR_BLS_KEY_PASSWORD; the sender (config's submitter_keystore):",
      "OPERATOR_ECDSA_KEY_PASSWORD; else prompts. Prints PASS or FAIL (exit 1)."
    })
public final class StorageAttestCommand extends CliCommand {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "anchor.yaml.")
  Path config;

  @Option(
      names = "--deployment",
      required = true,
      paramLabel = "FILE",
      description = "The deployment JSON (StorageAudit, CvmRegistry, deploymentBlock).")
  Path deployment;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "BACKEND",
      description = "Where the holder's copy is served, by its backend name in the config.")
  String from;

  @Option(
      names = "--holder",
      required = true,
      paramLabel = "0xADDRESS",
      description = "The holder (an operator assigned to the group).")
  String holder;

  @Option(
      names = "--height",
      paramLabel = "N",
      description = "The group holding CVM height N (default: the newest anchored group).")
  Long height;

  @Option(
      names = "--bls-keystore",
      required = true,
      paramLabel = "FILE",
      description = "An auditing operator's BLS keystore (repeat for each).")
  List<Path> blsKeystores;

  @Option(
      names = "--quorum",
      defaultValue = "0",
      paramLabel = "Q",
      description = "StorageAudit's quorum (default: ${DEFAULT-VALUE}).")
  int quorum;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AnchorConfig c = AnchorConfig.load(config);
    StorageBackend copy = c.backend(c.openBackends(CliContext.of(spec).environment()), from);
    AnchorConfig.probe(copy);
    Path keystore =
        c.submitterKeystore()
            .orElseThrow(
                () ->
                    new AnchorConfigException(
                        c.file() + ": field 'submitter_keystore' is required to submit"));
    Deployments d = Deployments.read(deployment);
    KeystoreAccess keys = new KeystoreAccess(CliContext.of(spec));
    Transactor tx = ChainAccess.open(c.ethRpcUrl(), keys.openEcdsa(keystore), c.chainId());
    StorageAuditClient audit = new StorageAuditClient(tx.reader(), d.address("StorageAudit"));
    RegistryReader registry = new RegistryReader(tx, d.address("CvmRegistry"));
    long from0 = Long.parseLong(d.values().getOrDefault("deploymentBlock", "0"));
    List<AnchoredGroup> anchors = StorageSetup.anchors(c, tx.reader());
    AnchoredGroup group =
        height == null
            ? anchors.getLast()
            : StorageSetup.containing(anchors, height)
                .orElseThrow(
                    () -> new AnchorConfigException("no anchored group holds height " + height));
    if (!audit.holdersOf(group.groupHash()).contains(holder.toLowerCase(java.util.Locale.ROOT))) {
      throw new AnchorConfigException(
          holder + " is not a recorded holder of group " + group.heights() + " (storage assign)");
    }
    long seedBlock = tx.reader().blockNumber();
    byte[] seed =
        io.cvmavs.chain.abi.Bytes32.parse(
            "block hash",
            tx.reader()
                .web3j()
                .ethGetBlockByNumber(
                    new org.web3j.protocol.core.DefaultBlockParameterNumber(seedBlock), false)
                .send()
                .getBlock()
                .getHash());
    List<AttestedAudit.Attestation> atts = new ArrayList<>();
    for (Path k : blsKeystores) {
      BlsKeyPair key = keys.openBls(k);
      atts.add(AttestedAudit.attest(key, audit, group, holder, copy, seed));
    }
    List<AttestedAudit.Member> members = AttestedAudit.members(registry, quorum, from0, seedBlock);
    AttestedAudit.Aggregate agg =
        AttestedAudit.aggregate(
            registry, audit, quorum, members, group, holder, seedBlock, seed, atts);
    TransactionReceipt r = audit.submitOutcome(tx, agg.outcome(), agg.signature());
    out.printf(
        "[attest] group %s holder %s: %s (seed block %d, %d of %d operators signed, tx %s)%n",
        group.heights(),
        holder,
        agg.outcome().passed() ? "PASS" : "FAIL — slashed",
        seedBlock,
        agg.signers().size(),
        members.size(),
        r.getTransactionHash());
    out.flush();
    return agg.outcome().passed() ? 0 : 1;
  }
}
