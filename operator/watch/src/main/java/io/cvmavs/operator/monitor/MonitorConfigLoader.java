package io.cvmavs.operator.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.common.yaml.StrictYaml;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.DeploymentsException;
import io.cvmavs.operator.config.ConfigException;
import io.cvmavs.operator.config.OperatorConfigLoader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.web3j.crypto.Keys;

/**
 * Reads and validates {@code monitor.yaml} in the house style of {@link OperatorConfigLoader}:
 * every problem names the file and the field (and the line for syntax and type errors); unknown
 * fields are errors. The monitor holds no keys.
 */
public final class MonitorConfigLoader {
  private MonitorConfigLoader() {}

  static final class Raw {
    @JsonProperty("eth_rpc_url")
    String ethRpcUrl;

    @JsonProperty("chain_id")
    Long chainId;

    @JsonProperty("deployment_file")
    String deploymentFile;

    @JsonProperty("addresses")
    Map<String, String> addresses;

    @JsonProperty("start_block")
    Long startBlock;

    @JsonProperty("from_block")
    Long fromBlock;

    @JsonProperty("operators")
    List<String> operators;

    @JsonProperty("alert_file")
    String alertFile;

    @JsonProperty("webhooks")
    List<String> webhooks;

    @JsonProperty("webhook_max_attempts")
    Integer webhookMaxAttempts;

    @JsonProperty("webhook_initial_backoff_ms")
    Long webhookInitialBackoffMs;

    @JsonProperty("webhook_max_backoff_ms")
    Long webhookMaxBackoffMs;

    @JsonProperty("webhook_timeout_ms")
    Long webhookTimeoutMs;

    @JsonProperty("enable_dashboard")
    Boolean enableDashboard;

    @JsonProperty("dashboard_address")
    String dashboardAddress;

    @JsonProperty("poll_interval_ms")
    Long pollIntervalMs;

    @JsonProperty("max_block_range")
    Integer maxBlockRange;

    @JsonProperty("data_dir")
    String dataDir;
  }

  public static MonitorConfig load(Path file) {
    Raw raw = StrictYaml.read(file, Raw.class, ConfigException::new);
    return validate(file, raw);
  }

  private static MonitorConfig validate(Path file, Raw raw) {
    Path base = file.toAbsolutePath().getParent();
    URI rpc = url(file, "eth_rpc_url", required(file, "eth_rpc_url", raw.ethRpcUrl));
    if (raw.chainId != null && raw.chainId <= 0) {
      throw fail(file, "chain_id", "must be a positive chain id, got " + raw.chainId);
    }
    Map<String, String> addresses = new TreeMap<>();
    Long deploymentBlock = null;
    if (raw.deploymentFile != null) {
      Path d = base.resolve(raw.deploymentFile.trim()).normalize();
      try {
        Deployments deployments = Deployments.read(d);
        if (raw.chainId != null && deployments.chainId() != raw.chainId) {
          throw fail(
              file,
              "deployment_file",
              d + " is for chain " + deployments.chainId() + ", but chain_id is " + raw.chainId);
        }
        addresses.putAll(deployments.addresses());
        String b = deployments.values().get("deploymentBlock");
        deploymentBlock = b == null ? null : Long.parseLong(b);
      } catch (DeploymentsException e) {
        throw fail(file, "deployment_file", e.getMessage());
      }
    }
    if (raw.addresses != null) {
      for (Map.Entry<String, String> e : raw.addresses.entrySet()) {
        if (!MonitorConfig.REQUIRED_CONTRACTS.contains(e.getKey())) {
          throw fail(
              file,
              "addresses." + e.getKey(),
              "unknown contract name (known: "
                  + String.join(", ", MonitorConfig.REQUIRED_CONTRACTS)
                  + ")");
        }
        if (e.getValue() == null || !e.getValue().matches("0x[0-9a-fA-F]{40}")) {
          throw fail(
              file,
              "addresses." + e.getKey(),
              "must be a 0x-prefixed 20-byte address, got '" + e.getValue() + "'");
        }
        addresses.put(e.getKey(), e.getValue());
      }
    }
    for (String name : MonitorConfig.REQUIRED_CONTRACTS) {
      if (!addresses.containsKey(name)) {
        throw fail(
            file,
            raw.deploymentFile == null ? "addresses" : "deployment_file",
            "no address for " + name + " (set deployment_file, or addresses." + name + ")");
      }
    }
    long startBlock;
    if (raw.startBlock != null) {
      if (raw.startBlock < 0) {
        throw fail(file, "start_block", "must be 0 or more, got " + raw.startBlock);
      }
      startBlock = raw.startBlock;
    } else if (deploymentBlock != null) {
      startBlock = deploymentBlock;
    } else {
      throw fail(
          file, "start_block", "is required when the deployment file has no deploymentBlock");
    }
    if (raw.fromBlock != null && raw.fromBlock < 0) {
      throw fail(file, "from_block", "must be 0 or more, got " + raw.fromBlock);
    }
    OperatorFilter operators = operators(file, raw.operators);
    Optional<Path> alertFile =
        raw.alertFile == null
            ? Optional.empty()
            : Optional.of(base.resolve(required(file, "alert_file", raw.alertFile)).normalize());
    List<URI> webhooks = new ArrayList<>();
    if (raw.webhooks != null) {
      for (int i = 0; i < raw.webhooks.size(); i++) {
        String field = "webhooks[" + i + "]";
        webhooks.add(url(file, field, required(file, field, raw.webhooks.get(i))));
      }
    }
    int attempts = raw.webhookMaxAttempts == null ? 5 : raw.webhookMaxAttempts;
    if (attempts < 1 || attempts > 20) {
      throw fail(file, "webhook_max_attempts", "must be 1..20, got " + attempts);
    }
    Duration initial = millis(file, "webhook_initial_backoff_ms", raw.webhookInitialBackoffMs, 500);
    Duration max = millis(file, "webhook_max_backoff_ms", raw.webhookMaxBackoffMs, 8000);
    if (max.compareTo(initial) < 0) {
      throw fail(file, "webhook_max_backoff_ms", "must not be below webhook_initial_backoff_ms");
    }
    Duration timeout = millis(file, "webhook_timeout_ms", raw.webhookTimeoutMs, 10_000);
    Optional<HostPort> dashboard = Optional.empty();
    if (!Boolean.FALSE.equals(raw.enableDashboard)) {
      dashboard =
          Optional.of(
              hostPort(
                  file,
                  "dashboard_address",
                  raw.dashboardAddress == null ? "127.0.0.1:8088" : raw.dashboardAddress.trim()));
    }
    Duration poll = millis(file, "poll_interval_ms", raw.pollIntervalMs, 2000);
    if (poll.isZero()) {
      throw fail(file, "poll_interval_ms", "must be positive");
    }
    int range = raw.maxBlockRange == null ? 2000 : raw.maxBlockRange;
    if (range < 1 || range > 100_000) {
      throw fail(file, "max_block_range", "must be 1..100000, got " + range);
    }
    Path dataDir =
        base.resolve(raw.dataDir == null ? "monitor-data" : raw.dataDir.trim()).normalize();
    return new MonitorConfig(
        file,
        rpc,
        Optional.ofNullable(raw.chainId),
        Map.copyOf(addresses),
        startBlock,
        Optional.ofNullable(raw.fromBlock),
        operators,
        alertFile,
        List.copyOf(webhooks),
        new WebhookSender.Policy(attempts, initial, max, timeout),
        dashboard,
        poll,
        range,
        dataDir);
  }

  /**
   * {@code operators:}: each entry an operator address (all lower case, all upper case, or EIP-55
   * checksummed; a mixed-case address with a wrong checksum is refused as a likely typo) or a
   * 32-byte operatorId.
   */
  static OperatorFilter operators(Path file, List<String> entries) {
    if (entries == null) {
      return OperatorFilter.ALL;
    }
    Set<String> addresses = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String field = "operators[" + i + "]";
      String v = required(file, field, entries.get(i));
      if (v.matches("0x[0-9a-fA-F]{40}")) {
        String digits = v.substring(2);
        boolean mixed =
            !digits.equals(digits.toLowerCase(Locale.ROOT))
                && !digits.equals(digits.toUpperCase(Locale.ROOT));
        if (mixed && !Keys.toChecksumAddress(v).equals(v)) {
          throw fail(
              file,
              field,
              "'"
                  + v
                  + "' has a wrong EIP-55 checksum (expected "
                  + Keys.toChecksumAddress(v)
                  + "); check the address, or write it all in lower case");
        }
        addresses.add(v.toLowerCase(Locale.ROOT));
      } else if (v.matches("0x[0-9a-fA-F]{64}")) {
        ids.add(v.toLowerCase(Locale.ROOT));
      } else {
        throw fail(
            file,
            field,
            "must be an operator address (0x + 40 hex digits) or an operatorId (0x + 64 hex"
                + " digits), got '"
                + v
                + "'");
      }
    }
    if (addresses.isEmpty() && ids.isEmpty()) {
      throw fail(file, "operators", "is empty; leave it out to watch every operator");
    }
    return new OperatorFilter(addresses, ids);
  }

  /** {@code host:port}; the same syntax as the operator's listen addresses. */
  static HostPort hostPort(Path file, String field, String value) {
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw fail(file, field, e.getMessage());
    }
  }

  private static Duration millis(Path file, String field, Long value, long fallback) {
    long v = value == null ? fallback : value;
    if (v < 0) {
      throw fail(file, field, "must be 0 or more, got " + v);
    }
    return Duration.ofMillis(v);
  }

  private static String required(Path file, String field, String value) {
    if (value == null || value.isBlank()) {
      throw fail(file, field, "is required");
    }
    return value.trim();
  }

  private static URI url(Path file, String field, String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
        throw fail(
            file,
            field,
            "must be a http/https URL, got '" + OperatorConfigLoader.redact(value) + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw fail(
          file,
          field,
          "is not a URL (" + e.getReason() + "): '" + OperatorConfigLoader.redact(value) + "'");
    }
  }

  private static ConfigException fail(Path file, String field, String problem) {
    return new ConfigException(file + ": field '" + field + "': " + problem);
  }
}
