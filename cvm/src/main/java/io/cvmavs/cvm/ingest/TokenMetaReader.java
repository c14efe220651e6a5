package io.cvmavs.cvm.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.web3j.utils.Numeric;

/**
 * Reads a contract's token metadata with plain calls: ERC-20 {@code name()}, {@code symbol()} (ABI
 * string or bytes32), {@code decimals()}, {@code totalSupply()}; ERC-165 {@code supportsInterface}
 * for ERC-721 ({@code 0x80ac58cd}) and ERC-1155 ({@code 0xd9b67a26}); the EIP-1967 implementation
 * slot for proxies. A call that reverts or answers garbage leaves its field NULL — never an error.
 */
public final class TokenMetaReader {
  /** eth_call and eth_getStorageAt at one fixed block (or the latest, for the UDF). */
  public interface Node {
    /** The call's return data as hex, or null when it reverted. */
    String call(String to, String data) throws IOException;

    String storageAt(String address, String slot) throws IOException;
  }

  /** The metadata read; flags are 0/1. */
  public record TokenMeta(
      String name,
      String symbol,
      Long decimals,
      String totalSupply,
      boolean erc20,
      boolean erc721,
      boolean erc1155,
      boolean proxy) {
    /** The JSON object {@code GET_TOKEN_META} returns (Chainbase's field names). */
    public String toJson() {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("name", name);
      o.put("symbol", symbol);
      o.put("decimals", decimals);
      o.put("total_supply", totalSupply);
      o.put("is_erc20", erc20);
      o.put("is_erc721", erc721);
      o.put("is_erc1155", erc1155);
      o.put("is_proxy", proxy);
      return o.toString();
    }
  }

  static final String EIP1967_IMPLEMENTATION_SLOT =
      "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc";

  private TokenMetaReader() {}

  public static TokenMeta read(Node node, String address) throws IOException {
    boolean erc721 = supports(node, address, "80ac58cd");
    boolean erc1155 = supports(node, address, "d9b67a26");
    String totalSupply = uint(node.call(address, "0x18160ddd"));
    String decimalsText = uint(node.call(address, "0x313ce567"));
    Long decimals = null;
    if (decimalsText != null && new BigInteger(decimalsText).bitLength() < 16) {
      decimals = Long.parseLong(decimalsText);
    }
    String name = string(node.call(address, "0x06fdde03"));
    String symbol = string(node.call(address, "0x95d89b41"));
    boolean erc20 = !erc721 && !erc1155 && totalSupply != null && decimals != null;
    String slot = node.storageAt(address, EIP1967_IMPLEMENTATION_SLOT);
    boolean proxy = slot != null && !Numeric.toBigInt(slot).equals(BigInteger.ZERO);
    return new TokenMeta(name, symbol, decimals, totalSupply, erc20, erc721, erc1155, proxy);
  }

  private static boolean supports(Node node, String address, String interfaceId)
      throws IOException {
    String out =
        node.call(address, "0x01ffc9a7" + interfaceId + "0".repeat(64 - interfaceId.length()));
    String v = uint(out);
    return "1".equals(v);
  }

  /** One 32-byte word as a decimal string, or null. */
  static String uint(String hex) {
    byte[] b = bytes(hex);
    if (b == null || b.length != 32) {
      return null;
    }
    return new BigInteger(1, b).toString();
  }

  /** An ABI-encoded string, or a bytes32 holding text (older tokens), or null. */
  static String string(String hex) {
    byte[] b = bytes(hex);
    if (b == null || b.length < 32) {
      return null;
    }
    if (b.length == 32) {
      int end = 32;
      while (end > 0 && b[end - 1] == 0) {
        end--;
      }
      return utf8(Arrays.copyOf(b, end));
    }
    BigInteger offset = new BigInteger(1, Arrays.copyOfRange(b, 0, 32));
    if (offset.compareTo(BigInteger.valueOf(b.length - 32)) > 0) {
      return null;
    }
    int o = offset.intValueExact();
    BigInteger length = new BigInteger(1, Arrays.copyOfRange(b, o, o + 32));
    if (length.compareTo(BigInteger.valueOf(b.length - o - 32)) > 0) {
      return null;
    }
    return utf8(Arrays.copyOfRange(b, o + 32, o + 32 + length.intValueExact()));
  }

  private static String utf8(byte[] b) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static byte[] bytes(String hex) {
    if (hex == null || hex.length() < 2 || (hex.length() % 2) != 0) {
      return null;
    }
    try {
      return Numeric.hexStringToByteArray(hex);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
