package io.cvmavs.operator.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cvmavs.chain.rpc.RpcUrls;
import io.cvmavs.common.net.HostPort;
import io.cvmavs.common.yaml.StrictYaml;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.DeploymentsException;
import io.cvmavs.operator.keys.KeyType;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and validates {@code operator.yaml}. Every problem is reported as {@code
 * <file>[:line:column]: field '<name>': <what is wrong>}; unknown fields are refused (a typo must
 * not silently fall back to a default). Field names follow the EigenLayer AVS examples operators
 * know ({@code eth_rpc_url}, {@code bls_private_key_store_path}, ...). See {@code
 * operator/config/operator.example.yaml}.
 */
public final class OperatorConfigLoader {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorConfigLoader.class);

  private OperatorConfigLoader() {}

  /**
   * The contract names the deploy script writes to the deployment file, in its order; an {@code
   * addresses:} key outside these (and the deployment file's own keys) is a typo. {@code
   * CvmSlasher} is not among them: the preflight reads the slasher router from the chain.
   */
  public static final List<String> KNOWN_CONTRACTS =
      List.of(
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
          "CvmVerifier",
          "CvmManuscriptRegistry");

  /** The file's fields as written. Strings are validated and converted by {@link #load}. */
  /** {@code manuscript_gateways}: HTTP gateways for ipfs:// and ar:// manuscript locators. */
  static final class Gateways {
    @JsonProperty("ipfs")
    List<String> ipfs;

    @JsonProperty("ar")
    List<String> ar;
  }

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

    @JsonProperty("manuscript_locator_dirs")
    List<String> manuscriptLocatorDirs;

    @JsonProperty("manuscript_gateways")
    Gateways manuscriptGateways;

    // incredible-squaring's operator config names (see operator/README.md, "Bringing an
    // incredible-squaring config"): aliases of ours, or explained when they do not apply.

    @JsonProperty(IS_METRICS)
    String isMetricsAddress;

    @JsonProperty(IS_NODE_API)
    String isNodeApiAddress;

    @JsonProperty(IS_AGGREGATOR)
    String isAggregatorAddress;

    @JsonProperty("avs_registry_coordinator_address")
    String isRegistryCoordinator;

    @JsonProperty("token_strategy_addr")
    String isTokenStrategy;

    @JsonProperty("service_manager_address")
    String isServiceManager;

    @JsonProperty("operator_address")
    String isOperatorAddress;

    @JsonProperty("operator_state_retriever_address")
    String isOperatorStateRetriever;

    @JsonProperty("register_operator_on_startup")
    Boolean isRegisterOnStartup;

    @JsonProperty("production")
    Boolean isProduction;
  }

  static final String IS_METRICS = "eigen_metrics_ip_port_address";
  static final String IS_NODE_API = "node_api_ip_port_address";
  static final String IS_AGGREGATOR = "aggregator_server_ip_port_address";

  /**
   * Loads {@code file}.
   *
   * @throws ConfigException naming the file, the field and (for syntax and type errors) the line.
   */
  public static OperatorConfig load(Path file) {
    StrictYaml.Parsed<Raw> parsed = StrictYaml.parse(file, Raw.class, ConfigException::new);
    OperatorConfig config = new Validation(file, parsed.value(), parsed).validate();
    config.notes().forEach(note -> LOG.info("{}: {}", file, note));
    return config;
  }

  /**
   * {@link RpcUrls#redact}: a URL for logs with the secrets hosted RPC providers put in it hidden.
   */
  public static String redact(String url) {
    return RpcUrls.redact(url);
  }

  /** Shortest path segment {@link #redact} takes for an API key. */
  static final int KEY_LENGTH = RpcUrls.KEY_LENGTH;

  /** Semantic checks of one file; each failure names the field. */
  private record Validation(Path file, Raw raw, StrictYaml.Parsed<Raw> parsed, List<String> notes) {
    Validation(Path file, Raw raw, StrictYaml.Parsed<Raw> parsed) {
      this(file, raw, parsed, new ArrayList<>());
    }

    private static final Set<String> HTTP = Set.of("http", "https");
    private static final Set<String> WS = Set.of("ws", "wss");

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
        new com.fasterxml.jackson.databind.ObjectMapper();

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
      Map<String, String> deployed = Map.of();
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
          deployed = deployments.addresses();
          addresses.putAll(deployed);
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
          addresses.put(entry.getKey(), address("addresses." + entry.getKey(), entry.getValue()));
        }
      }
      aliasAddress(
          addresses,
          deployed,
          deploymentFile,
          "avs_registry_coordinator_address",
          raw.isRegistryCoordinator,
          "CvmRegistry");
      aliasAddress(
          addresses,
          deployed,
          deploymentFile,
          "token_strategy_addr",
          raw.isTokenStrategy,
          "Strategy");
      aliasAddress(
          addresses,
          deployed,
          deploymentFile,
          "service_manager_address",
          raw.isServiceManager,
          "CvmServiceManager");
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
      Path ecdsa =
          keystore(
              "ecdsa_private_key_store_path",
              required("ecdsa_private_key_store_path", raw.ecdsaKeystore),
              base,
              KeyType.ECDSA);
      Optional<Path> bls =
          Optional.ofNullable(raw.blsKeystore)
              .filter(v -> !v.isBlank())
              .map(v -> keystore("bls_private_key_store_path", v, base, KeyType.BLS));
      if (raw.isOperatorAddress != null) {
        String declared = address("operator_address", raw.isOperatorAddress);
        String inKeystore = keystoreAddress(ecdsa);
        if (inKeystore != null && !inKeystore.equalsIgnoreCase(declared.substring(2))) {
          throw fail(
              "operator_address",
              declared
                  + " is not the address of the ECDSA keystore "
                  + ecdsa
                  + " (0x"
                  + inKeystore
                  + "); cvm-avs takes the operator address from the keystore");
        }
      }
      URI aggregator = aggregatorUrl();
      String socket = raw.socket == null ? "" : raw.socket.trim();
      Optional<HostPort> nodeApi =
          listen(
              raw.nodeApiAddress == null && raw.isNodeApiAddress != null
                  ? IS_NODE_API
                  : "node_api_address",
              raw.enableNodeApi,
              alias("node_api_address", raw.nodeApiAddress, IS_NODE_API, raw.isNodeApiAddress),
              "127.0.0.1:9010");
      Optional<HostPort> metrics =
          listen(
              raw.metricsAddress == null && raw.isMetricsAddress != null
                  ? IS_METRICS
                  : "metrics_address",
              raw.enableMetrics,
              alias("metrics_address", raw.metricsAddress, IS_METRICS, raw.isMetricsAddress),
              "127.0.0.1:9090");
      Path dataDir = base.resolve(required("data_dir", raw.dataDir)).normalize();
      explainIgnored();
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
          startBlock,
          locatorDirs(base),
          gateways("ipfs", raw.manuscriptGateways == null ? null : raw.manuscriptGateways.ipfs),
          gateways("ar", raw.manuscriptGateways == null ? null : raw.manuscriptGateways.ar),
          List.copyOf(notes));
    }

    /** {@code manuscript_gateways.<key>}: http(s) gateway URLs, tried in order. */
    private List<URI> gateways(String key, List<String> urls) {
      List<URI> out = new ArrayList<>();
      if (urls != null) {
        for (String u : urls) {
          String field = "manuscript_gateways." + key;
          out.add(uri(field, required(field, u), HTTP));
        }
      }
      return List.copyOf(out);
    }

    /** {@code manuscript_locator_dirs}: folders registered {@code file://} locators may name. */
    private List<Path> locatorDirs(Path base) {
      List<Path> out = new ArrayList<>();
      if (raw.manuscriptLocatorDirs != null) {
        for (String d : raw.manuscriptLocatorDirs) {
          if (d == null || d.isBlank()) {
            throw new ConfigException(file + ": manuscript_locator_dirs: an entry is empty");
          }
          out.add(base.resolve(d).normalize());
        }
      }
      return List.copyOf(out);
    }

    /**
     * {@code aggregator_url}, or incredible-squaring's {@code aggregator_server_ip_port_address}
     * ({@code host:port}, taken as {@code http://host:port}).
     */
    private URI aggregatorUrl() {
      String url = raw.aggregatorUrl;
      if (raw.isAggregatorAddress != null) {
        String value = raw.isAggregatorAddress.trim();
        String asUrl = value.contains("://") ? value : "http://" + value;
        if (!value.contains("://")) {
          try {
            HostPort.parse(value);
          } catch (IllegalArgumentException e) {
            throw fail(IS_AGGREGATOR, e.getMessage() + " (alias of aggregator_url)");
          }
        }
        if (url != null
            && !uri("aggregator_url", url.trim(), HTTP).equals(uri(IS_AGGREGATOR, asUrl, HTTP))) {
          throw fail(
              IS_AGGREGATOR,
              "is incredible-squaring's name for aggregator_url, which is also set, to another"
                  + " address ('"
                  + redact(url.trim())
                  + "' vs '"
                  + redact(asUrl)
                  + "'); keep one");
        }
        url = url == null ? asUrl : url;
      }
      return uri("aggregator_url", required("aggregator_url", url), HTTP);
    }

    /** Ours, or the incredible-squaring alias; both only when they agree. */
    private String alias(String ours, String oursValue, String theirs, String theirsValue) {
      if (theirsValue == null) {
        return oursValue;
      }
      if (oursValue != null && !oursValue.trim().equals(theirsValue.trim())) {
        throw fail(
            theirs,
            "is incredible-squaring's name for "
                + ours
                + ", which is also set, to another value ('"
                + oursValue.trim()
                + "' vs '"
                + theirsValue.trim()
                + "'); keep one");
      }
      return theirsValue;
    }

    /**
     * An incredible-squaring address field that names one of our contracts. It only fills a gap:
     * when {@code addresses:} or the deployment file already name the contract, the alias must
     * agree. An incredible-squaring config carries incredible-squaring's own contracts, so a
     * differing alias is refused rather than silently pointing the node at a foreign contract.
     */
    private void aliasAddress(
        Map<String, String> addresses,
        Map<String, String> deployed,
        Optional<Path> deploymentFile,
        String field,
        String value,
        String contract) {
      if (value == null) {
        return;
      }
      String address = address(field, value);
      String explicit = raw.addresses == null ? null : raw.addresses.get(contract);
      String source;
      String ours;
      if (explicit != null) {
        source =
            "addresses." + contract + " (" + place(parsed.at("addresses." + contract)) + ") is";
        ours = explicit.trim();
      } else if (deployed.containsKey(contract)) {
        source =
            "deployment_file ("
                + place(parsed.where("deployment_file"))
                + ") "
                + deploymentFile.orElseThrow()
                + " has "
                + contract
                + " =";
        ours = deployed.get(contract);
      } else {
        addresses.put(contract, address);
        return;
      }
      if (!ours.equalsIgnoreCase(address)) {
        throw fail(
            field,
            "is "
                + address
                + ", but "
                + source
                + " "
                + ours
                + " (both name this AVS's "
                + contract
                + "). The addresses in an incredible-squaring config are incredible-squaring's,"
                + " not this AVS's: remove "
                + field
                + " or set it to "
                + ours);
      }
    }

    /** incredible-squaring fields with no meaning here: refused or noted, with the reason. */
    private void explainIgnored() {
      if (Boolean.TRUE.equals(raw.isRegisterOnStartup)) {
        throw fail(
            "register_operator_on_startup",
            "cvm-avs never registers on start: registration deposits, allocates and stakes, so it"
                + " is a deliberate step. Run 'cvm-avs operator register --config "
                + file
                + "' once, then remove this field or set it to false");
      }
      if (raw.isRegisterOnStartup != null) {
        notes.add("register_operator_on_startup: false is the only behaviour (ignored)");
      }
      if (raw.isOperatorStateRetriever != null) {
        notes.add(
            "operator_state_retriever_address ignored: cvm-avs has no OperatorStateRetriever;"
                + " operator state is read from CvmRegistry");
      }
      if (raw.isProduction != null) {
        notes.add(
            "production ignored: cvm-avs logs at INFO; set the level with the environment"
                + " variable CVMAVS_LOG_LEVEL (e.g. DEBUG), not in operator.yaml");
      }
    }

    private String address(String field, String value) {
      if (value == null || !value.trim().matches("0x[0-9a-fA-F]{40}")) {
        throw fail(field, "must be a 0x-prefixed 20-byte address, got '" + value + "'");
      }
      return value.trim();
    }

    /** {@code file:line} of a {@code file:line: } prefix. */
    private static String place(String prefix) {
      return prefix.endsWith(": ") ? prefix.substring(0, prefix.length() - 2) : prefix;
    }

    private ConfigException fail(String field, String problem) {
      String top = field.contains(".") ? field.substring(0, field.indexOf('.')) : field;
      return new ConfigException(parsed.where(top) + "field '" + field + "': " + problem);
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

    /**
     * An existing keystore file of kind {@code expected}: an ECDSA keystore given as the BLS key
     * (or the other way round) is refused here, before any command asks for a password.
     */
    private Path keystore(String field, String value, Path base, KeyType expected) {
      Path path = base.resolve(value.trim()).normalize();
      String create = "cvm-avs keys create --type " + expected.cliName();
      if (!Files.isRegularFile(path)) {
        throw fail(
            field,
            "keystore " + path + " does not exist (create one with: " + create + " --out FILE)");
      }
      com.fasterxml.jackson.databind.JsonNode json;
      try {
        json = JSON.readTree(Files.readString(path));
      } catch (IOException e) {
        throw fail(field, path + " is not a keystore (not JSON: " + firstLine(e) + ")");
      }
      Optional<KeyType> kind = json == null ? Optional.empty() : KeyType.kindOf(json);
      if (kind.isEmpty()) {
        throw fail(field, path + " is not a keystore (expected " + article(expected) + ")");
      }
      if (kind.get() != expected) {
        throw fail(
            field,
            path
                + " is "
                + article(kind.get())
                + ", not "
                + article(expected)
                + "; point "
                + field
                + " at the "
                + expected.name()
                + " keystore (or create one: "
                + create
                + " --out FILE)");
      }
      return path;
    }

    /** The lower-case hex address a Web3 Secret Storage file declares, or null. */
    private static String keystoreAddress(Path ecdsa) {
      try {
        com.fasterxml.jackson.databind.JsonNode json = JSON.readTree(Files.readString(ecdsa));
        String address = json.path("address").asText(null);
        return address == null ? null : address.replaceFirst("^0x", "").toLowerCase(Locale.ROOT);
      } catch (IOException e) {
        return null;
      }
    }

    private static String article(KeyType type) {
      String d = type.description();
      return ("AEIOU".indexOf(d.charAt(0)) >= 0 ? "an " : "a ") + d;
    }

    private static String firstLine(IOException e) {
      String m = String.valueOf(e.getMessage());
      int nl = m.indexOf('\n');
      return nl < 0 ? m : m.substring(0, nl);
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
