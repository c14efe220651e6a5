package io.cvmavs.operator.monitor;

import io.cvmavs.operator.config.HostPort;
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
 * @param dashboard empty when the dashboard is disabled
 */
public record MonitorConfig(
    Path file,
    URI ethRpcUrl,
    Optional<Long> chainId,
    Map<String, String> addresses,
    long startBlock,
    List<URI> webhooks,
    WebhookSender.Policy webhookPolicy,
    Optional<HostPort> dashboard,
    Duration pollInterval,
    int maxBlockRange,
    Path dataDir) {
  public static final List<String> REQUIRED_CONTRACTS =
      List.of(
          "CvmTaskManager", "CvmRegistry", "AllocationManager", "CStaking", "CvmServiceManager");

  public AlertType.Addresses alertAddresses() {
    return new AlertType.Addresses(
        addresses.get("CvmTaskManager"),
        addresses.get("CvmRegistry"),
        addresses.get("AllocationManager"),
        addresses.get("CStaking"),
        addresses.get("CvmServiceManager"));
  }
}
