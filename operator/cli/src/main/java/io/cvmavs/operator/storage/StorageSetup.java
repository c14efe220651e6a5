package io.cvmavs.operator.storage;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.storage.anchor.AnchorConfig;
import io.cvmavs.storage.anchor.AnchorConfigException;
import io.cvmavs.storage.anchor.AnchorRegistryClient;
import io.cvmavs.storage.anchor.AnchoredGroup;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** What the anchor and storage commands share: the stream, the registry, the anchors. */
final class StorageSetup {
  private StorageSetup() {}

  /** The configured manuscript, else the only one the store holds. */
  static byte[] stream(AnchorConfig config, CvmBlockStore store) {
    if (config.manuscript().isPresent()) {
      return config.manuscript().get();
    }
    List<byte[]> all = store.manuscriptHashes();
    if (all.size() != 1) {
      throw new AnchorConfigException(
          config.file()
              + ": the block store "
              + config.blockStore()
              + " holds "
              + all.size()
              + " manuscripts; set 'manuscript' to the hash of the one to anchor");
    }
    return all.getFirst();
  }

  static RpcClient read(AnchorConfig config) {
    return ChainAccess.read(config.ethRpcUrl(), config.chainId());
  }

  static AnchorRegistryClient registry(AnchorConfig config, RpcClient reader) {
    return new AnchorRegistryClient(reader, config.registry());
  }

  /** Every anchor from the configured start block to the head (of the configured stream). */
  static List<AnchoredGroup> anchors(AnchorConfig config, RpcClient reader) {
    long head = reader.blockNumber();
    List<AnchoredGroup> anchors =
        registry(config, reader).anchors(config.manuscript(), config.fromBlock(), head);
    if (anchors.isEmpty()) {
      throw new AnchorConfigException(
          "no GroupAnchored events on AnchorRegistry "
              + config.registry()
              + " between blocks "
              + config.fromBlock()
              + " and "
              + head
              + " ("
              + RpcUrls.redact(config.ethRpcUrl().toString())
              + ")");
    }
    long streams =
        anchors.stream().map(a -> HexFormat.of().formatHex(a.stream())).distinct().count();
    if (streams > 1) {
      throw new AnchorConfigException(
          config.file()
              + ": the registry holds anchors of "
              + streams
              + " manuscripts; set 'manuscript' to the one to recover");
    }
    return anchors;
  }

  static String shortHex(byte[] b) {
    String h = HexFormat.of().formatHex(b);
    return "0x" + h.substring(0, 8) + "…";
  }

  static Optional<AnchoredGroup> containing(List<AnchoredGroup> anchors, long height) {
    return anchors.stream()
        .filter(a -> a.firstHeight() <= height && height <= a.lastHeight())
        .findFirst();
  }
}
