package io.cvmavs.operator.monitor;

import io.cvmavs.common.net.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated {@code monitor.yaml} (see {@code operator/config/monitor.example.yaml}).
 *
 * @param addresses contract addresses by deployment name (at least CvmTaskManager, CvmRegistry,
 *     AllocationManager, CStaking, CvmServiceManager)
 * @param startBlock first block of the dashboard's history scan
 * @param fromBlock first block to alert on when no alert cursor is persisted yet; empty: start past
 *     the chain head (history is not alerted)
 * @param operators the operators to report on ({@link OperatorFilter#ALL}: every one)
 * @param alertFile where each alert's full JSON is appended (JSON Lines), if anywhere
 * @param dashboard empty when the dashboard is disabled
 */
public record MonitorConfig(
    Path file,
    URI ethRpcUrl,
    Optional<Long> chainId,
    Map<String, String> addresses,
    long startBlock,
    Optional<Long> fromBlock,
    OperatorFilter operators,
    Optional<Path> alertFile,
    List<URI> webhooks,
    WebhookSender.Policy webhookPolicy,
    Optional<HostPort> dashboard,
    Duration pollInterval,
    int maxBlockRange,
    Path dataDir) {
  public static final List<String> REQUIRED_CONTRACTS =
      List.of(
          "CvmTaskManager", "CvmRegistry", "AllocationManager", "CStaking", "CvmServiceManager");

  /** The same configuration alerting from {@code block} on (the CLI's {@code --from-block}). */
  public MonitorConfig withFromBlock(long block) {
    return new MonitorConfig(
        file,
        ethRpcUrl,
        chainId,
        addresses,
        startBlock,
        Optional.of(block),
        operators,
        alertFile,
        webhooks,
        webhookPolicy,
        dashboard,
        pollInterval,
        maxBlockRange,
        dataDir);
  }

  public AlertType.Addresses alertAddresses() {
    return new AlertType.Addresses(
        addresses.get("CvmTaskManager"),
        addresses.get("CvmRegistry"),
        addresses.get("AllocationManager"),
        addresses.get("CStaking"),
        addresses.get("CvmServiceManager"));
  }
}
