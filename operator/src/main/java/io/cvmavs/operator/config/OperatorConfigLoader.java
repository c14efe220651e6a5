package io.cvmavs.operator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.DeploymentsException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads and validates {@code operator.yaml}. Every problem is reported as {@code
 * <file>[:line:column]: field '<name>': <what is wrong>}; unknown fields are refused (a typo must
 * not silently fall back to a default). Field names follow the EigenLayer AVS examples operators
 * know ({@code eth_rpc_url}, {@code bls_private_key_store_path}, ...). See {@code
 * operator/config/operator.example.yaml}.
 */
public final class OperatorConfigLoader {
  private OperatorConfigLoader() {}

  /** The file's fields as written. Strings are validated and converted by {@link #load}. */
  static final class Raw {
    @JsonProperty("node_name")
    String nodeName;

    @JsonProperty("eth_rpc_url")
    String ethRpcUrl;

    @JsonProperty("eth_ws_url")
    String ethWsUrl;

    @JsonProperty("chain_id")
    Long chainId;

    @JsonProperty("start_block")
    Long startBlock;

    @JsonProperty("deployment_file")
    String deploymentFile;

    @JsonProperty("addresses")
    Map<String, String> addresses;

    @JsonProperty("ecdsa_private_key_store_path")
    String ecdsaKeystore;

    @JsonProperty("bls_private_key_store_path")
    String blsKeystore;

    @JsonProperty("aggregator_url")
    String aggregatorUrl;

    @JsonProperty("operator_socket")
    String socket;

    @JsonProperty("enable_node_api")
    Boolean enableNodeApi;

    @JsonProperty("node_api_address")
    String nodeApiAddress;

    @JsonProperty("enable_metrics")
    Boolean enableMetrics;

    @JsonProperty("metrics_address")
    String metricsAddress;

    @JsonProperty("data_dir")
    String dataDir;
  }

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException naming the file, the field and (for syntax and type errors) the line.
   */
  public static OperatorConfig load(Path file) {
    Raw raw = StrictYaml.read(file, Raw.class);
    return new Validation(file, raw).validate();
  }

  /**
   * A URL for messages and printouts: credentials ({@code user:pass@}) and the query (API keys)
   * hidden; RPC URLs of hosted providers often carry both.
   */
  public static String redact(String url) {
    String out = url.replaceFirst("(?<=://)[^/@]*@", "***@");
    int query = out.indexOf('?');
    return query < 0 ? out : out.substring(0, query) + "?***";
  }

  /** Semantic checks of one file; each failure names the field. */
  private record Validation(Path file, Raw raw) {
    /**
     * Names the deploy script writes; an {@code addresses:} key outside these (and the deployment
     * file) is a typo.
     */
    private static final Set<String> KNOWN_CONTRACTS =
        Set.of(
            "DelegationManager",
            "StrategyManager",
            "AVSDirectory",
            "AllocationManager",
            "PermissionController",
            "Strategy",
            "UnderlyingToken",
            "CToken",
            "CStaking",
            "CvmServiceManager",
            "CvmRegistry",
            "CvmTaskManager",
            "CvmVerifier");

    private static final Set<String> HTTP = Set.of("http", "https");
    private static final Set<String> WS = Set.of("ws", "wss");

    OperatorConfig validate() {
      Path base = file.toAbsolutePath().getParent();
      String nodeName = required("node_name", raw.nodeName);
      URI rpc = uri("eth_rpc_url", required("eth_rpc_url", raw.ethRpcUrl), HTTP);
      URI ws = uri("eth_ws_url", required("eth_ws_url", raw.ethWsUrl), WS);
      if (raw.chainId != null && raw.chainId <= 0) {
        throw fail("chain_id", "must be a positive chain id, got " + raw.chainId);
      }
      Optional<Path> deploymentFile =
          Optional.ofNullable(raw.deploymentFile).map(p -> base.resolve(p).normalize());
      Map<String, String> addresses = new TreeMap<>();
      if (deploymentFile.isPresent()) {
        try {
          Deployments deployments = Deployments.read(deploymentFile.get());
          if (raw.chainId != null && deployments.chainId() != raw.chainId) {
            throw fail(
                "deployment_file",
                deploymentFile.get()
                    + " is for chain "
                    + deployments.chainId()
                    + ", but chain_id is "
                    + raw.chainId);
          }
          addresses.putAll(deployments.addresses());
        } catch (DeploymentsException e) {
          throw fail("deployment_file", e.getMessage());
        }
      }
      if (raw.addresses != null) {
        for (Map.Entry<String, String> entry : new LinkedHashMap<>(raw.addresses).entrySet()) {
          if (!KNOWN_CONTRACTS.contains(entry.getKey()) && !addresses.containsKey(entry.getKey())) {
            throw fail(
                "addresses." + entry.getKey(),
                "unknown contract name (known: "
                    + String.join(", ", new java.util.TreeSet<>(KNOWN_CONTRACTS))
                    + ")");
          }
          String value = entry.getValue();
          if (value == null || !value.matches("0x[0-9a-fA-F]{40}")) {
            throw fail(
                "addresses." + entry.getKey(),
                "must be a 0x-prefixed 20-byte address, got '" + value + "'");
          }
          addresses.put(entry.getKey(), value);
        }
      }
      if (addresses.isEmpty()) {
        throw fail("deployment_file", "no contract addresses: set deployment_file or addresses");
      }
      Optional<Long> startBlock = Optional.ofNullable(raw.startBlock);
      if (startBlock.isPresent() && startBlock.get() < 0) {
        throw fail("start_block", "must be a block number >= 0, got " + raw.startBlock);
      }
      if (startBlock.isEmpty() && deploymentFile.isPresent()) {
        String value = Deployments.read(deploymentFile.get()).values().get("deploymentBlock");
        if (value != null) {
          try {
            startBlock = Optional.of(Long.parseLong(value.trim()));
          } catch (NumberFormatException e) {
            throw fail(
                "deployment_file",
                deploymentFile.get() + ": deploymentBlock is not a number: '" + value + "'");
          }
        }
      }
      Path ecdsa = existingFile("ecdsa_private_key_store_path", raw.ecdsaKeystore, base);
      Path bls = existingFile("bls_private_key_store_path", raw.blsKeystore, base);
      URI aggregator = uri("aggregator_url", required("aggregator_url", raw.aggregatorUrl), HTTP);
      String socket = raw.socket == null ? "" : raw.socket.trim();
      Optional<HostPort> nodeApi =
          listen("node_api_address", raw.enableNodeApi, raw.nodeApiAddress, "127.0.0.1:9010");
      Optional<HostPort> metrics =
          listen("metrics_address", raw.enableMetrics, raw.metricsAddress, "127.0.0.1:9090");
      Path dataDir = base.resolve(required("data_dir", raw.dataDir)).normalize();
      return new OperatorConfig(
          file,
          nodeName,
          rpc,
          ws,
          Optional.ofNullable(raw.chainId),
          deploymentFile,
          Map.copyOf(addresses),
          ecdsa,
          bls,
          aggregator,
          socket,
          nodeApi,
          metrics,
          dataDir,
          startBlock);
    }

    private ConfigException fail(String field, String problem) {
      return new ConfigException(file + ": field '" + field + "': " + problem);
    }

    private String required(String field, String value) {
      if (value == null || value.isBlank()) {
        throw fail(field, "is required");
      }
      return value.trim();
    }

    private URI uri(String field, String value, Set<String> schemes) {
      try {
        URI uri = new URI(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme) || uri.getHost() == null) {
          throw fail(
              field,
              "must be a "
                  + String.join("/", new java.util.TreeSet<>(schemes))
                  + " URL, got '"
                  + redact(value)
                  + "'");
        }
        return uri;
      } catch (URISyntaxException e) {
        throw fail(field, "is not a URL (" + e.getReason() + "): '" + redact(value) + "'");
      }
    }

    private Path existingFile(String field, String value, Path base) {
      Path path = base.resolve(required(field, value)).normalize();
      if (!Files.isRegularFile(path)) {
        throw fail(
            field, "keystore " + path + " does not exist (create one with: cvm-avs keys create)");
      }
      return path;
    }

    private Optional<HostPort> listen(
        String field, Boolean enabled, String value, String fallback) {
      if (Boolean.FALSE.equals(enabled)) {
        return Optional.empty();
      }
      try {
        return Optional.of(HostPort.parse(value == null ? fallback : value.trim()));
      } catch (IllegalArgumentException e) {
        throw fail(field, e.getMessage());
      }
    }
  }
}
