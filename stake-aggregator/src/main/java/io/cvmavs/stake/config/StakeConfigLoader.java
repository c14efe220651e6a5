package io.cvmavs.stake.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.cvmavs.common.yaml.StrictYaml;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.contracts.DeploymentsException;
import io.cvmavs.stake.StakeConfigException;
import io.cvmavs.stake.power.PowerPolicy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code stake.yaml} through {@link StrictYaml#tree}. Unknown fields and keys written twice
 * are errors (a typo never falls back to a default) with the line (and column); every message names
 * the file and the field. Relative paths are relative to the file.
 */
public final class StakeConfigLoader {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final BigDecimal WAD = new BigDecimal(BigInteger.TEN.pow(18));
  private static final List<String> CONTRACTS =
      List.of(
          StakeConfig.ALLOCATION_MANAGER,
          StakeConfig.REGISTRY,
          StakeConfig.SERVICE_MANAGER,
          StakeConfig.C_STAKING);

  private final Path file;
  private final StrictYaml.Parsed<JsonNode> parsed;

  private StakeConfigLoader(StrictYaml.Parsed<JsonNode> parsed) {
    this.file = parsed.file();
    this.parsed = parsed;
  }

  /**
   * Reads and checks {@code file} with the project's strict YAML reader (UTF-8, no duplicate key,
   * unknown fields refused with {@code file:line:column}).
   *
   * @throws StakeConfigException naming the file, and the field where there is one
   */
  public static StakeConfig load(Path file) {
    StrictYaml.Parsed<JsonNode> parsed = StrictYaml.tree(file, StakeConfigException::new);
    return new StakeConfigLoader(parsed).parse(parsed.value());
  }

  private StakeConfig parse(JsonNode root) {
    known(
        root,
        "",
        Set.of(
            "eth_rpc_url",
            "deployment_file",
            "addresses",
            "operator_set_id",
            "epoch",
            "jail_epochs",
            "power",
            "prices",
            "rpc"));
    URI rpc = uri(required(root, "eth_rpc_url"), "eth_rpc_url");

    Map<String, String> contracts = new TreeMap<>();
    JsonNode deployment = root.get("deployment_file");
    if (deployment != null) {
      Path p = file.toAbsolutePath().getParent().resolve(deployment.asText()).normalize();
      Deployments d;
      try {
        d = Deployments.read(p);
      } catch (DeploymentsException e) {
        throw new StakeConfigException(file + ": field 'deployment_file': " + e.getMessage(), e);
      }
      for (String c : CONTRACTS) {
        d.findAddress(c).ifPresent(a -> contracts.put(c, a));
      }
    }
    JsonNode addresses = root.path("addresses");
    if (!addresses.isMissingNode()) {
      known(addresses, "addresses.", Set.copyOf(CONTRACTS));
      for (String c : CONTRACTS) {
        if (addresses.has(c)) {
          contracts.put(c, address(addresses.get(c), "addresses." + c));
        }
      }
    }
    for (String c : CONTRACTS) {
      if (!contracts.containsKey(c)) {
        throw new StakeConfigException(
            file + ": no address for " + c + " (set deployment_file or addresses." + c + ")");
      }
    }

    int setId = (int) integer(root.get("operator_set_id"), "operator_set_id", 0, 0, 0xFFFF_FFFFL);

    JsonNode epoch = root.path("epoch");
    known(epoch, "epoch.", Set.of("genesis_block", "length_blocks"));
    long genesis = integer(epoch.get("genesis_block"), "epoch.genesis_block", 0, 0, Long.MAX_VALUE);
    long length = integer(epoch.get("length_blocks"), "epoch.length_blocks", 1, 1, Long.MAX_VALUE);
    int jail = (int) integer(root.get("jail_epochs"), "jail_epochs", 1, 0, 1_000_000);

    JsonNode power = root.path("power");
    known(power, "power.", Set.of("unit", "min_power", "max_validators", "max_power_bps"));
    PowerPolicy d = PowerPolicy.defaults();
    PowerPolicy policy;
    try {
      policy =
          new PowerPolicy(
              power.has("unit") ? wad(power.get("unit"), "power.unit") : d.unitWei(),
              integer(power.get("min_power"), "power.min_power", d.minPower(), 1, Long.MAX_VALUE),
              (int)
                  integer(
                      power.get("max_validators"),
                      "power.max_validators",
                      d.maxValidators(),
                      1,
                      Integer.MAX_VALUE),
              (int)
                  integer(
                      power.get("max_power_bps"),
                      "power.max_power_bps",
                      d.maxPowerBps(),
                      1,
                      PowerPolicy.NO_CAP));
    } catch (StakeConfigException e) {
      throw new StakeConfigException(file + ": " + e.getMessage(), e);
    }

    JsonNode prices = root.path("prices");
    known(prices, "prices.", Set.of("c_per_eth", "strategies", "max_age_seconds"));
    PriceSource cPerEth = source(required(prices, "c_per_eth", "prices."), "prices.c_per_eth");
    Map<String, PriceSource> rates = new LinkedHashMap<>();
    Optional<PriceSource> defaultRate = Optional.empty();
    JsonNode strategies = prices.path("strategies");
    for (Iterator<Map.Entry<String, JsonNode>> it = strategies.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = "prices.strategies." + e.getKey();
      if (e.getKey().equals("default")) {
        defaultRate = Optional.of(source(e.getValue(), name));
      } else {
        if (!ADDRESS.matcher(e.getKey()).matches()) {
          throw new StakeConfigException(
              file + ": field '" + name + "': key must be a strategy address or 'default'");
        }
        rates.put(e.getKey().toLowerCase(Locale.ROOT), source(e.getValue(), name));
      }
    }
    long maxAge =
        integer(prices.get("max_age_seconds"), "prices.max_age_seconds", 86_400, 1, Long.MAX_VALUE);

    JsonNode rpcNode = root.path("rpc");
    known(rpcNode, "rpc.", Set.of("max_calls_per_request", "operators_per_call"));
    int maxCalls =
        (int)
            integer(
                rpcNode.get("max_calls_per_request"),
                "rpc.max_calls_per_request",
                1000,
                1,
                100_000);
    int perCall =
        (int) integer(rpcNode.get("operators_per_call"), "rpc.operators_per_call", 100, 1, 10_000);

    return new StakeConfig(
        rpc,
        Map.copyOf(contracts),
        setId,
        genesis,
        length,
        jail,
        policy,
        Map.copyOf(rates),
        defaultRate,
        cPerEth,
        maxAge,
        maxCalls,
        perCall);
  }

  private void known(JsonNode node, String prefix, Set<String> fields) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw new StakeConfigException(
          file + ": field '" + prefix.replaceAll("\\.$", "") + "' must be a mapping");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) {
        throw new StakeConfigException(
            parsed.at(prefix + f)
                + "unknown field '"
                + prefix
                + f
                + "' (known fields: "
                + String.join(", ", new java.util.TreeSet<>(fields))
                + ")");
      }
    }
  }

  private JsonNode required(JsonNode node, String field) {
    return required(node, field, "");
  }

  private JsonNode required(JsonNode node, String field, String prefix) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new StakeConfigException(file + ": missing field '" + prefix + field + "'");
    }
    return v;
  }

  private URI uri(JsonNode node, String field) {
    try {
      URI u = URI.create(node.asText());
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new StakeConfigException(
          file + ": field '" + field + "': '" + node.asText() + "' is not an http(s) URL");
    }
  }

  private String address(JsonNode node, String field) {
    String a = node.asText();
    if (!ADDRESS.matcher(a).matches()) {
      throw new StakeConfigException(file + ": field '" + field + "': not an address: '" + a + "'");
    }
    return a;
  }

  private long integer(JsonNode node, String field, long dflt, long min, long max) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.canConvertToExactIntegral() && !node.isIntegralNumber()) {
      throw new StakeConfigException(file + ": field '" + field + "' must be an integer");
    }
    long v = node.asLong();
    if (v < min || v > max) {
      throw new StakeConfigException(
          file + ": field '" + field + "' must be in " + min + ".." + max + ", got " + v);
    }
    return v;
  }

  /** A decimal number (string or YAML number) → WAD, exactly. */
  private BigInteger wad(JsonNode node, String field) {
    try {
      BigDecimal v = new BigDecimal(node.asText().trim()).multiply(WAD);
      BigInteger w = v.toBigIntegerExact();
      if (w.signum() <= 0) {
        throw new StakeConfigException(file + ": field '" + field + "' must be positive");
      }
      return w;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new StakeConfigException(
          file
              + ": field '"
              + field
              + "': '"
              + node.asText()
              + "' is not a decimal number with at most 18 fraction digits");
    }
  }

  private PriceSource source(JsonNode node, String field) {
    known(node, field + ".", Set.of("value", "feed"));
    if (node.has("value") == node.has("feed")) {
      throw new StakeConfigException(
          file + ": field '" + field + "' needs exactly one of 'value' and 'feed'");
    }
    if (node.has("feed")) {
      return new PriceSource.Feed(address(node.get("feed"), field + ".feed"));
    }
    return new PriceSource.Fixed(wad(node.get("value"), field + ".value"));
  }
}
