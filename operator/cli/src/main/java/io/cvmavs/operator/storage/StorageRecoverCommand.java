package io.cvmavs.operator.storage;

import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.operator.command.CliCommand;
import io.cvmavs.operator.command.CliContext;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorRecovery;
import io.cvmavs.storage.anchor.AnchoredGroup;
import io.cvmavs.storage.backend.StorageBackend;
import io.cvmavs.storage.recover.Recovery;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cvm-avs storage recover}: rebuilds a CVM block store from the on-chain anchors (read with
 * the one log scanner) and one backend, or by walking the previous locators back from a group.
 */
@Command(
    name = "recover",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild a CVM block store from the AnchorRegistry's receipts and one backend, verifying",
      "every group against its anchor (size, heights, group hash, data and audit roots) and every",
      "block hash; or, with --walk-from, by walking the groups' previous locators back. With",
      "cvm_rpc_url in the config, the rebuilt blocks are then checked against the hashes the CVM",
      "chain committed."
    })
public final class StorageRecoverCommand extends CliCommand {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "anchor.yaml.")
  Path config;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "BACKEND",
      description =
          "The backend to read from, by its name in the config (e.g. arweave, ipfs, s3, local).")
  String from;

  @Option(
      names = "--into",
      paramLabel = "DIR",
      description = "The block store to fill (default: the config's block_store).")
  Path into;

  @Option(
      names = "--walk-from",
      paramLabel = "LOCATOR",
      description =
          "Do not read the chain: walk back from this group (its locator on the backend) through"
              + " each group's previous locator.")
  String walkFrom;

  @Override
  public Integer call() throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    AnchorConfig c = AnchorConfig.load(config);
    List<StorageBackend> opened = c.openBackends(CliContext.of(spec).environment());
    StorageBackend backend = c.backend(opened, from);
    AnchorConfig.probe(backend);
    Path target = into != null ? into : c.blockStore();
    try (CvmBlockStore store = CvmBlockStore.open(target)) {
      Recovery.Result r;
      if (walkFrom != null) {
        r = Recovery.walkBack(backend, walkFrom, store);
      } else {
        RpcClient reader = StorageSetup.read(c);
        List<AnchoredGroup> anchors = StorageSetup.anchors(c, reader);
        out.printf(
            "[recover] %d anchored group(s), heights %d..%d%n",
            anchors.size(), anchors.getFirst().firstHeight(), anchors.getLast().lastHeight());
        r = AnchorRecovery.recover(backend, anchors, store);
      }
      out.printf(
          "[recover] %d group(s), %d block(s) appended from %s in %d ms (%.0f blocks/s) into %s%n",
          r.groups(), r.blocksAppended(), from, r.millis(), r.blocksPerSecond(), target);
      if (c.cvmRpcUrl().isPresent()) {
        // the rebuilt blocks against the hashes the CVM chain committed (anchor.yaml cvm_rpc_url)
        try (CometRpcClient rpc = new CometRpcClient(c.cvmRpcUrl().get(), Duration.ofSeconds(10))) {
          CvmChainBlocks chain =
              new CvmChainBlocks(
                  CvmChainBlocks.Node.rpc(rpc),
                  Files.readAllBytes(c.manuscriptFile().orElseThrow()),
                  AnchorCommand.trust(c),
                  java.time.Clock.systemUTC());
          long checked = chain.verify(store);
          out.printf(
              "[recover] %d block(s) match the CVM chain's committed hashes (%s)%n",
              checked, c.cvmRpcUrl().get());
        }
      }
      out.flush();
      return 0;
    }
  }
}
