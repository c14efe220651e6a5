package io.cvmavs.chainbasedb.format;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import org.web3j.crypto.Keys;

/**
 * A typed DB3 identity {@code <kind>:<chain>:<address>}, e.g. {@code db3_user:eth:0xf78c…}
 * (docs/DB3-FORMAT.md §4). The canonical form is lower case; an {@code eth}/{@code cvm} address in
 * mixed case is accepted only with a correct EIP-55 checksum.
 *
 * <table>
 *   <caption>kinds and chains</caption>
 *   <tr><th>kind</th><th>chains</th><th>address</th></tr>
 *   <tr><td>db3_user</td><td>eth, near</td><td>eth: 0x + 40 hex; near: 64 hex (implicit account =
 *       Ed25519 public key)</td></tr>
 *   <tr><td>db3_db</td><td>cvm</td><td>0x + 40 hex, derived (see {@code DatabaseAddress})</td></tr>
 *   <tr><td>db3_permission</td><td>eth</td><td>an ERC-721 contract</td></tr>
 *   <tr><td>db3_external</td><td>eth</td><td>a contract whose events feed the database</td></tr>
 * </table>
 */
public record Identity(Kind kind, String chain, String address) {
  /** The four identity kinds. */
  public enum Kind {
    USER("db3_user", Set.of("eth", "near")),
    DB("db3_db", Set.of("cvm")),
    PERMISSION("db3_permission", Set.of("eth")),
    EXTERNAL("db3_external", Set.of("eth"));

    private final String prefix;
    private final Set<String> chains;

    Kind(String prefix, Set<String> chains) {
      this.prefix = prefix;
      this.chains = chains;
    }

    public String prefix() {
      return prefix;
    }

    public Set<String> chains() {
      return chains;
    }

    static Kind of(String prefix, String field, String text) {
      for (Kind k : values()) {
        if (k.prefix.equals(prefix)) {
          return k;
        }
      }
      throw new BadIdentityException(
          field,
          "identity '"
              + text
              + "' has kind '"
              + prefix
              + "'; expected db3_user, db3_db, db3_permission or db3_external");
    }
  }

  public Identity {
    String text = kind.prefix + ":" + chain + ":" + address;
    check(kind, chain, address, "identity", text);
    address = address.toLowerCase(Locale.ROOT);
  }

  /** Parses and validates an identity string; errors name {@code field}. */
  public static Identity parse(String text, String field) {
    if (text == null) {
      throw new BadIdentityException(field, "identity is missing");
    }
    String[] parts = text.split(":", -1);
    if (parts.length != 3) {
      throw new BadIdentityException(
          field, "identity '" + text + "' is not <kind>:<chain>:<address> (3 parts)");
    }
    Kind kind = Kind.of(parts[0], field, text);
    String chain = parts[1];
    String address = parts[2];
    check(kind, chain, address, field, text);
    return new Identity(kind, chain, address);
  }

  public static Identity user(String chain, String address) {
    return parse(Kind.USER.prefix + ":" + chain + ":" + address, "identity");
  }

  private static void check(Kind kind, String chain, String address, String field, String text) {
    if (!kind.chains.contains(chain)) {
      throw new BadIdentityException(
          field,
          "identity '"
              + text
              + "': chain '"
              + chain
              + "' is not allowed for "
              + kind.prefix
              + " (allowed: "
              + String.join(", ", new java.util.TreeSet<>(kind.chains))
              + ")");
    }
    switch (chain) {
      case "eth", "cvm" -> checkEvmAddress(address, field, text);
      case "near" -> {
        if (address.length() != 64 || !isLowerHex(address)) {
          throw new BadIdentityException(
              field,
              "identity '"
                  + text
                  + "': a near address is 64 lower-case hex characters (an Ed25519 public key)");
        }
      }
      default -> throw new BadIdentityException(field, "identity '" + text + "': unknown chain");
    }
  }

  private static void checkEvmAddress(String address, String field, String text) {
    if (address.length() != 42 || !address.startsWith("0x")) {
      throw new BadIdentityException(
          field, "identity '" + text + "': the address is 0x followed by 40 hex characters");
    }
    String hex = address.substring(2);
    if (!hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new BadIdentityException(
          field, "identity '" + text + "': the address has a non-hex character");
    }
    boolean mixed =
        !hex.equals(hex.toLowerCase(Locale.ROOT)) && !hex.equals(hex.toUpperCase(Locale.ROOT));
    if (mixed && !Keys.toChecksumAddress(hex).substring(2).equals(hex)) {
      throw new BadIdentityException(
          field, "identity '" + text + "': the mixed-case address fails its EIP-55 checksum");
    }
  }

  private static boolean isLowerHex(String s) {
    return s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  /** The address bytes (20 for eth/cvm, 32 for near). */
  public byte[] addressBytes() {
    return HexFormat.of().parseHex(address.startsWith("0x") ? address.substring(2) : address);
  }

  @Override
  public String toString() {
    return kind.prefix + ":" + chain + ":" + address;
  }
}
