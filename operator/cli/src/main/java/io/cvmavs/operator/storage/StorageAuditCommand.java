package io.cvmavs.operator.storage;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.anchor.GroupAudit;
import io.cvmavs.storage.backend.StorageBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.web3j.protocol.core.DefaultBlockParameterName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs storage audit}: one retrieval-proof audit of an anchored group ({@link
 * GroupAudit}); exit 1 when it fails.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Audit one anchored group: a public seed selects 47 of its 8 KiB chunks, the holder (a",
      "backend) answers with the chunks and their Merkle paths, and each is checked against the",
      "group's anchored audit root. Prints PASS, or FAIL naming each failed chunk (exit 1)."
    })
public final class StorageAuditCommand extends CliCommand {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "anchor.yaml.")
  Path config;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "BACKEND",
      description = "The holder to audit, by its backend name in the config.")
  String from;

  @Option(
      names = "--height",
      paramLabel = "N",
      description = "Audit the group holding CVM height N (default: the newest anchored group).")
  Long height;

  @Option(
      names = "--seed",
      paramLabel = "0xHASH",
      description = "The public seed (default: the hash of the chain's latest block).")
  String seed;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    AnchorConfig c = AnchorConfig.load(config);
    StorageBackend holder = c.backend(c.openBackends(CliContext.of(spec).environment()), from);
    AnchorConfig.probe(holder);
    RpcClient reader = StorageSetup.read(c);
    List<AnchoredGroup> anchors = StorageSetup.anchors(c, reader);
    AnchoredGroup group =
        height == null
            ? anchors.getLast()
            : StorageSetup.containing(anchors, height)
                .orElseThrow(
                    () ->
                        new AnchorConfigException(
                            "no anchored group holds height "
                                + height
                                + " (anchored: "
                                + anchors.getFirst().firstHeight()
                                + ".."
                                + anchors.getLast().lastHeight()
                                + ")"));
    byte[] s = seed != null ? Bytes32.parse("--seed", seed) : latestBlockHash(reader);
    GroupAudit.Result r = GroupAudit.run(holder, group, s);
    int n = r.challenge().indices().size();
    if (r.passed()) {
      out.printf(
          "[audit] group %d..%d on %s: PASS (%d of %d chunks, seed %s)%n",
          group.firstHeight(),
          group.lastHeight(),
          from,
          n,
          r.challenge().chunkCount(),
          StorageSetup.shortHex(s));
      out.flush();
      return 0;
    }
    out.printf(
        "[audit] group %d..%d on %s: FAIL (%d of %d challenged chunks failed, seed %s)%n",
        group.firstHeight(),
        group.lastHeight(),
        from,
        r.outcome().failures().size(),
        n,
        StorageSetup.shortHex(s));
    r.outcome().failures().forEach(f -> out.println("[audit]   " + f));
    out.flush();
    return 1;
  }

  private static byte[] latestBlockHash(RpcClient reader) {
    try {
      String hash =
          reader
              .web3j()
              .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
              .send()
              .getBlock()
              .getHash();
      return Bytes32.parse("latest block hash", hash);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the latest block: " + e.getMessage(), e);
    }
  }
}
