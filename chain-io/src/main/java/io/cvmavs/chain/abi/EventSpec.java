package io.cvmavs.chain.abi;

import io.cvmavs.chain.ChainException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.protocol.core.methods.response.Log;

/**
 * One Solidity event written as in its interface, e.g. {@code ChallengeRaised(uint256 indexed
 * requestId, uint32 indexed taskIndex, address indexed challenger, (uint32,bytes32,bytes32,bytes32)
 * claimedResponse)}, and a decoder for its logs. The topic is keccak256 of the canonical signature
 * (names and {@code indexed} removed). Supported parameter types: {@code uintN}, {@code intN} (as
 * unsigned words), {@code address}, {@code bool}, {@code bytes32}, {@code string}, {@code bytes},
 * dynamic arrays of static elements ({@code T[]}) and static tuples of static elements; that covers
 * every event in {@link Events} but the task events (whose tuples hold {@code bytes}; {@code
 * TaskManagerAbi} decodes those). Decoded values: {@link BigInteger} for integers, lower-case
 * 0x-hex strings for addresses and bytes, {@link Boolean}, {@link String}, {@link List} for arrays
 * and tuples.
 */
public record EventSpec(String name, List<Param> params, String canonical, String topic) {
  /** One event parameter. */
  public record Param(String type, String name, boolean indexed) {}

  public static EventSpec parse(String declaration) {
    int open = declaration.indexOf('(');
    String name = declaration.substring(0, open).trim();
    String inner = declaration.substring(open + 1, declaration.lastIndexOf(')'));
    List<Param> params = new ArrayList<>();
    for (String part : splitTopLevel(inner)) {
      String p = part.trim();
      int typeEnd = p.startsWith("(") ? closing(p) + 1 : p.indexOf(' ');
      String type = p.substring(0, typeEnd).trim();
      while (typeEnd < p.length() && p.startsWith("[]", typeEnd)) {
        type += "[]";
        typeEnd += 2;
      }
      String[] rest = p.substring(typeEnd).trim().split("\\s+");
      boolean indexed = rest.length == 2 && rest[0].equals("indexed");
      params.add(new Param(type, rest[rest.length - 1], indexed));
    }
    String canonical =
        name + "(" + String.join(",", params.stream().map(Param::type).toList()) + ")";
    return new EventSpec(name, List.copyOf(params), canonical, Abi.topic(canonical));
  }

  /** True if {@code log} is this event (topic 0). */
  public boolean matches(Log log) {
    return !log.getTopics().isEmpty() && topic.equalsIgnoreCase(log.getTopics().get(0));
  }

  /** The parameters of {@code log} by name, in declaration order. */
  public Map<String, Object> decode(Log log) {
    byte[] data = bytes(log.getData());
    Map<String, Object> out = new LinkedHashMap<>();
    int topicIndex = 1;
    int head = 0;
    try {
      for (Param p : params) {
        if (p.indexed()) {
          byte[] word = bytes(log.getTopics().get(topicIndex++));
          out.put(p.name(), staticValue(p.type(), word, 0));
        } else {
          out.put(p.name(), value(p.type(), data, 0, head));
          head += headSize(p.type());
        }
      }
    } catch (RuntimeException e) {
      throw new ChainException(
          "cannot decode " + canonical + " in transaction " + log.getTransactionHash(), e);
    }
    return out;
  }

  // ------------------------------------------------------------------ ABI words

  private static Object value(String type, byte[] data, int base, int at) {
    if (type.endsWith("[]")) {
      String element = type.substring(0, type.length() - 2);
      int start = base + word(data, base + at).intValueExact();
      int n = word(data, start).intValueExact();
      List<Object> list = new ArrayList<>(n);
      int size = headSize(element);
      for (int i = 0; i < n; i++) {
        list.add(staticValue(element, data, start + 32 + i * size));
      }
      return list;
    }
    if (type.equals("string") || type.equals("bytes")) {
      int start = base + word(data, base + at).intValueExact();
      int n = word(data, start).intValueExact();
      byte[] raw = java.util.Arrays.copyOfRange(data, start + 32, start + 32 + n);
      return type.equals("string")
          ? new String(raw, java.nio.charset.StandardCharsets.UTF_8)
          : hex(raw);
    }
    return staticValue(type, data, base + at);
  }

  private static Object staticValue(String type, byte[] data, int at) {
    if (type.startsWith("(")) {
      List<Object> fields = new ArrayList<>();
      int offset = at;
      for (String f : splitTopLevel(type.substring(1, type.length() - 1))) {
        fields.add(staticValue(f.trim(), data, offset));
        offset += headSize(f.trim());
      }
      return fields;
    }
    BigInteger w = word(data, at);
    return switch (type) {
      case "address" -> String.format("0x%040x", w);
      case "bool" -> w.signum() != 0;
      case "bytes32" -> String.format("0x%064x", w);
      default -> {
        if (type.startsWith("uint") || type.startsWith("int")) {
          yield w;
        }
        throw new IllegalArgumentException("unsupported event parameter type " + type);
      }
    };
  }

  private static int headSize(String type) {
    if (type.startsWith("(") && !type.endsWith("[]")) {
      int size = 0;
      for (String f : splitTopLevel(type.substring(1, type.length() - 1))) {
        size += headSize(f.trim());
      }
      return size;
    }
    return 32;
  }

  private static BigInteger word(byte[] data, int at) {
    if (at < 0 || at + 32 > data.length) {
      throw new IllegalArgumentException("data too short for a word at " + at);
    }
    return new BigInteger(1, java.util.Arrays.copyOfRange(data, at, at + 32));
  }

  private static List<String> splitTopLevel(String s) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(s.substring(start, i));
        start = i + 1;
      }
    }
    if (!s.isBlank()) {
      parts.add(s.substring(start));
    }
    return parts;
  }

  private static int closing(String s) {
    int depth = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '(') {
        depth++;
      } else if (s.charAt(i) == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalArgumentException("unbalanced parentheses in " + s);
  }

  private static byte[] bytes(String hex) {
    return Numbers.bytes(hex == null ? "" : hex);
  }

  private static String hex(byte[] b) {
    return Numbers.hex(b);
  }
}
