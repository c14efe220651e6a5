package io.cvmavs.operator.config;

import io.cvmavs.common.net.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated {@code operator.yaml}: everything an operator node needs to run. Relative paths are
 * already resolved against the folder of the configuration file. Built by {@link
 * OperatorConfigLoader}.
 *
 * @param addresses contract addresses by name ({@code CvmTaskManager}, {@code CvmRegistry}, ...):
 *     the deployment file's, overridden by the file's {@code addresses:} section.
 * @param socket what the operator publishes in the registry for peers to reach it.
 * @param manuscriptLocatorDirs {@code manuscript_locator_dirs}: the folders a {@code file://}
 *     locator of the manuscript registry may point into (none: file:// locators are refused)
 * @param ipfsGateways {@code manuscript_gateways.ipfs}: HTTP gateways {@code ipfs://} locators are
 *     fetched through ({@code URL/ipfs/CID}), in order (none: ipfs:// locators are refused)
 * @param arweaveGateways {@code manuscript_gateways.ar}: HTTP gateways {@code ar://TXID} locators
 *     are fetched through ({@code URL/TXID}), in order (none: ar:// locators are refused)
 * @param notes fields that were read but have no effect here (incredible-squaring fields), each
 *     with the reason; shown by {@code check-config} and logged at load.
 */
public record OperatorConfig(
    Path source,
    String nodeName,
    URI ethRpcUrl,
    URI ethWsUrl,
    Optional<Long> chainId,
    Optional<Path> deploymentFile,
    Map<String, String> addresses,
    Path ecdsaKeystore,
    Optional<Path> blsKeystorePath,
    URI aggregatorUrl,
    String socket,
    Optional<HostPort> nodeApi,
    Optional<HostPort> metrics,
    Path dataDirectory,
    Optional<Long> configuredStartBlock,
    List<Path> manuscriptLocatorDirs,
    List<URI> ipfsGateways,
    List<URI> arweaveGateways,
    List<String> notes) {

  /**
   * The BLS keystore: required only where BLS signing happens (the node, {@code operator
   * register}); the aggregator, challenger and task generator run without one.
   *
   * @throws ConfigException naming the field when it is not set
   */
  public Path blsKeystore() {
    return blsKeystorePath.orElseThrow(
        () ->
            new ConfigException(
                source
                    + ": field 'bls_private_key_store_path' is required here (this command signs"
                    + " with the operator's BLS key); create one with: cvm-avs keys create --type"
                    + " bls --out FILE"));
  }

  /**
   * The block the AVS contracts were deployed in: where event scans start and, by default, CVM
   * block 0 begins after. {@code start_block}, else the deployment file's {@code deploymentBlock}.
   *
   * @throws ConfigException naming both fields when neither is set
   */
  public long startBlock() {
    return configuredStartBlock.orElseThrow(
        () ->
            new ConfigException(
                source
                    + ": no start block: set start_block (the block the AVS contracts were"
                    + " deployed in) or a deployment_file with deploymentBlock"));
  }

  /** The address of {@code contract}, or a {@link ConfigException} naming what is configured. */
  public String address(String contract) {
    String address = addresses.get(contract);
    if (address == null) {
      throw new ConfigException(
          source
              + ": no address for "
              + contract
              + " (set deployment_file, or addresses."
              + contract
              + "; known: "
              + addresses.keySet()
              + ")");
    }
    return address;
  }
}
