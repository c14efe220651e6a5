package io.cvmavs.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The deployment file written by {@code contracts/script/Deploy.s.sol} ({@code
 * deployments/<chainId>.json}): a flat JSON object with {@code chainId}, {@code deployer} and one
 * address per contract name (the proxy address for proxied contracts), plus configuration values.
 */
public final class Deployments {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path source;
  private final long chainId;
  private final Map<String, String> addresses;
  private final Map<String, String> values;

  private Deployments(
      Path source, long chainId, Map<String, String> addresses, Map<String, String> values) {
    this.source = source;
    this.chainId = chainId;
    this.addresses = Collections.unmodifiableMap(addresses);
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * Reads and checks a deployment file.
   *
   * @throws DeploymentsException naming the file and the field when it is missing, not JSON, not an
   *     object, has no numeric {@code chainId}, or holds a malformed address.
   */
  public static Deployments read(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new DeploymentsException(file + ": cannot read deployment file: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new DeploymentsException(file + ": deployment file must be a JSON object");
    }
    JsonNode chain = root.get("chainId");
    if (chain == null || !chain.canConvertToLong()) {
      throw new DeploymentsException(file + ": field 'chainId' is missing or not a number");
    }
    Map<String, String> addresses = new TreeMap<>();
    Map<String, String> values = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isTextual() && value.asText().startsWith("0x") && value.asText().length() == 42) {
        if (!ADDRESS.matcher(value.asText()).matches()) {
          throw new DeploymentsException(
              file + ": field '" + field.getKey() + "' is not a valid address");
        }
        addresses.put(field.getKey(), value.asText());
      } else if (value.isValueNode()) {
        values.put(field.getKey(), value.asText());
      }
    }
    return new Deployments(file, chain.asLong(), addresses, values);
  }

  public long chainId() {
    return chainId;
  }

  /** The address deployed under {@code name} (e.g. {@code CToken}). */
  public String address(String name) {
    String address = addresses.get(name);
    if (address == null) {
      throw new DeploymentsException(
          source + ": no address for '" + name + "' (has " + addresses.keySet() + ")");
    }
    return address;
  }

  public Optional<String> findAddress(String name) {
    return Optional.ofNullable(addresses.get(name));
  }

  /** All named addresses, sorted by name. */
  public Map<String, String> addresses() {
    return addresses;
  }

  /** Non-address scalar values (e.g. {@code chainId}, configuration numbers), as text. */
  public Map<String, String> values() {
    return values;
  }

  public Path source() {
    return source;
  }
}
