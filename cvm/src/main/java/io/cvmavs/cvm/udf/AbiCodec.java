package io.cvmavs.cvm.udf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Array;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.BytesType;
import org.web3j.abi.datatypes.NumericType;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Decodes event logs and call data against a JSON ABI (one entry or an array of entries) into JSON
 * objects whose keys are the parameter names in ABI order. Addresses and byte strings are
 * lower-case {@code 0x} hex, integers decimal strings (they exceed JSON's safe range), booleans and
 * strings as themselves, arrays as arrays. Indexed dynamic event parameters (string, bytes, arrays)
 * are only present as their hash, given as hex.
 *
 * <p>Tuples are not supported. Instances are immutable and cache the parsed ABI.
 */
public final class AbiCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the fast path reads a static elementary type. */
  private enum Kind {
    ADDRESS,
    BOOL,
    FIXED_BYTES,
    INT,
    UINT,
    OTHER
  }

  /**
   * An ABI input; {@code jsonName} is the name as a JSON string literal, {@code kind} and {@code
   * width} (bytes of bytesN, bits of intN/uintN) are parsed once for the fast path.
   */
  private record Param(
      String name,
      String type,
      boolean indexed,
      TypeReference<Type> ref,
      String jsonName,
      Kind kind,
      int width) {
    Param(String name, String type, boolean indexed, TypeReference<Type> ref) {
      this(
          name,
          type,
          indexed,
          ref,
          JsonNodeFactory.instance.textNode(name).toString(),
          kindOf(type),
          widthOf(type));
    }

    static Kind kindOf(String type) {
      if (!STATIC.matcher(type).matches()) {
        return Kind.OTHER;
      }
      if (type.equals("address")) {
        return Kind.ADDRESS;
      }
      if (type.equals("bool")) {
        return Kind.BOOL;
      }
      if (type.startsWith("bytes")) {
        return Kind.FIXED_BYTES;
      }
      return type.startsWith("int") ? Kind.INT : Kind.UINT;
    }

    static int widthOf(String type) {
      return switch (kindOf(type)) {
        case FIXED_BYTES -> Integer.parseInt(type.substring(5));
        case INT -> type.length() == 3 ? 256 : Integer.parseInt(type.substring(3));
        case UINT -> type.length() == 4 ? 256 : Integer.parseInt(type.substring(4));
        default -> 0;
      };
    }
  }

  /**
   * An ABI entry; {@code jsonCapacity} bounds the fast path's JSON for well-formed logs (braces;
   * per parameter its name, colon, comma and the longest value of its kind) so its buffer is
   * allocated once at the right size.
   */
  private record Entry(
      String name,
      List<Param> inputs,
      boolean staticOnly,
      int jsonCapacity,
      Map<String, Integer> positions) {
    Entry(String name, List<Param> inputs) {
      this(
          name,
          inputs,
          inputs.stream().allMatch(p -> p.kind() != Kind.OTHER),
          2
              + inputs.stream()
                  .mapToInt(
                      p ->
                          p.jsonName().length()
                              + 2
                              + switch (p.kind()) {
                                case ADDRESS -> 44;
                                case BOOL -> 5;
                                case FIXED_BYTES -> 4 + 2 * p.width();
                                default -> 81; // sign, 78 digits, quotes
                              })
                  .sum(),
          positions(inputs));
    }

    /**
     * Parameter name → index in {@code inputs}; a repeated name maps to its last occurrence, the
     * value a JSON reader of the decoded object sees.
     */
    static Map<String, Integer> positions(List<Param> inputs) {
      Map<String, Integer> positions = new HashMap<>();
      for (int i = 0; i < inputs.size(); i++) {
        positions.put(inputs.get(i).name(), i);
      }
      return Map.copyOf(positions);
    }

    /** {@code name(p1, p2, ...)} with the parameters' JSON keys, for error messages. */
    String describe() {
      return name + inputs.stream().map(Param::name).collect(Collectors.joining(", ", "(", ")"));
    }
  }

  private static final java.util.regex.Pattern STATIC =
      java.util.regex.Pattern.compile(
          "address|bool|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?|bytes([1-9]|[12][0-9]|3[0-2])");
  private static final java.math.BigInteger TWO_256 = java.math.BigInteger.ONE.shiftLeft(256);
  private static final java.math.BigInteger TWO_255 = java.math.BigInteger.ONE.shiftLeft(255);

  /** {@code hex[from, to)} in lower case, without copying when it already is. */
  private static String lower(String hex, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = hex.charAt(i);
      if (c >= 'A' && c <= 'F') {
        return hex.substring(from, to).toLowerCase(Locale.ROOT);
      }
    }
    return hex.substring(from, to);
  }

  /**
   * The word {@code hex[at, at + 64)} as a long when it is plain hex digits with a value below
   * 2^63, else -1 (the caller then reads it as a BigInteger, which also judges odd characters).
   */
  private static long smallNonNegative(String hex, int at) {
    for (int i = at; i < at + 48; i++) {
      if (hex.charAt(i) != '0') {
        return -1;
      }
    }
    if (Character.digit(hex.charAt(at + 48), 16) > 7) {
      return -1;
    }
    long v = 0;
    for (int i = at + 48; i < at + 64; i++) {
      int digit = Character.digit(hex.charAt(i), 16);
      if (digit < 0) {
        return -1;
      }
      v = (v << 4) | digit;
    }
    return v;
  }

  /**
   * The fast path's output buffer: strings are copied in bulk ({@link String#getChars}), where
   * {@code StringBuilder.append(CharSequence, int, int)} goes character by character.
   */
  private static final class Chars {
    private char[] chars;
    private int length;

    Chars(int capacity) {
      chars = new char[capacity];
    }

    private void ensure(int extra) {
      if (length + extra > chars.length) {
        chars = java.util.Arrays.copyOf(chars, Math.max(2 * chars.length, length + extra));
      }
    }

    Chars append(char c) {
      ensure(1);
      chars[length++] = c;
      return this;
    }

    Chars append(String s, int from, int to) {
      ensure(to - from);
      s.getChars(from, to, chars, length);
      length += to - from;
      return this;
    }

    Chars append(String s) {
      return append(s, 0, s.length());
    }

    Chars append(boolean b) {
      return append(String.valueOf(b));
    }

    Chars append(long v) {
      return append(Long.toString(v));
    }

    Chars append(Object o) {
      return append(String.valueOf(o));
    }

    int length() {
      return length;
    }

    @Override
    public String toString() {
      return new String(chars, 0, length);
    }
  }

  /** Appends {@link #lower lower(hex, from, to)} without the intermediate string when it can. */
  private static Chars appendHex(Chars out, String hex, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = hex.charAt(i);
      if (c >= 'A' && c <= 'F') {
        return out.append(lower(hex, from, to));
      }
    }
    return out.append(hex, from, to);
  }

  /**
   * Decodes an event of static elementary parameters word by word; the JSON matches the web3j path.
   * With {@code only >= 0} the result is the value of parameter {@code only} alone as {@code
   * JSON_VALUE} reads it from that JSON (text without quotes, {@code true}/{@code false}); every
   * other parameter is still checked the same way, so a log gives a value exactly when its JSON
   * would. Null when a word is wider than its declared type (the caller then decodes with web3j).
   */
  private static Optional<String> decodeStatic(
      Entry event, String[] topics, String data, int only) {
    boolean json = only < 0;
    String d = data == null ? "0x" : data;
    int dataWords = 0;
    for (Param p : event.inputs()) {
      if (!p.indexed()) {
        dataWords++;
      }
    }
    if (!d.startsWith("0x") || d.length() < 2 + 64 * dataWords) {
      return Optional.empty();
    }
    Chars out = json ? new Chars(event.jsonCapacity()).append('{') : new Chars(80);
    int topic = 0;
    int word = 0;
    int index = -1;
    for (Param p : event.inputs()) {
      index++;
      boolean emit = json || index == only;
      String src; // the 64 hex digits of the word are src[at, at + 64)
      int at;
      if (p.indexed()) {
        if (topic >= topics.length || topics[topic] == null || topics[topic].length() != 66) {
          return Optional.empty();
        }
        src = topics[topic++];
        at = 2;
      } else {
        src = d;
        at = 2 + 64 * word;
        word++;
      }
      if (json) {
        if (out.length() > 1) {
          out.append(',');
        }
        out.append(p.jsonName()).append(':');
      }
      String quote = json ? "\"" : "";
      try {
        switch (p.kind()) {
          case ADDRESS -> {
            if (emit) {
              appendHex(out.append(quote).append("0x"), src, at + 24, at + 64).append(quote);
            }
          }
          case BOOL -> {
            boolean b = new java.math.BigInteger(src.substring(at, at + 64), 16).signum() != 0;
            if (emit) {
              out.append(b);
            }
          }
          case FIXED_BYTES -> {
            if (emit) {
              appendHex(out.append(quote).append("0x"), src, at, at + 2 * p.width()).append(quote);
            }
          }
          case INT, UINT -> {
            long small = smallNonNegative(src, at);
            if (small >= 0) {
              // below 2^63, so non-negative for either signedness: no BigInteger
              int bits = 64 - Long.numberOfLeadingZeros(small);
              if (bits > (p.kind() == Kind.INT ? p.width() - 1 : p.width())) {
                return null; // wider than the declared type: web3j's reading decides
              }
              if (emit) {
                out.append(quote).append(small).append(quote);
              }
              break;
            }
            java.math.BigInteger v = new java.math.BigInteger(src.substring(at, at + 64), 16);
            boolean signed = p.kind() == Kind.INT;
            if (signed && v.compareTo(TWO_255) >= 0) {
              v = v.subtract(TWO_256);
            }
            if (v.bitLength() > (signed ? p.width() - 1 : p.width())) {
              // wider than the declared type: web3j's reading of such words decides
              return null;
            }
            if (emit) {
              out.append(quote).append(v).append(quote);
            }
          }
          case OTHER -> throw new IllegalStateException("not a static type: " + p.type());
        }
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    for (int k = topic; k < topics.length; k++) {
      if (topics[k] != null) {
        return Optional.empty();
      }
    }
    return Optional.of((json ? out.append('}') : out).toString());
  }

  private final Map<String, Entry> eventsByTopic = new HashMap<>();

  /** The parameter names (JSON keys) of all (non-anonymous) events. */
  private final java.util.Set<String> eventParameters = new java.util.HashSet<>();

  private final Map<String, Entry> functionsBySelector = new HashMap<>();

  private final boolean fastPath;

  public AbiCodec(String abiJson) {
    this(abiJson, true);
  }

  /**
   * @param fastPath decode events whose parameters are all static elementary types (address, bool,
   *     intN, uintN, bytesN) straight from the hex words instead of through web3j's reflective
   *     decoder; same output
   */
  AbiCodec(String abiJson, boolean fastPath) {
    this.fastPath = fastPath;
    JsonNode root = parse(abiJson);
    List<JsonNode> entries = new ArrayList<>();
    if (root != null && root.isArray()) {
      root.forEach(entries::add);
    } else if (root != null && root.isObject()) {
      entries.add(root);
    } else {
      throw new UdfException("the ABI must be a JSON object or array of ABI entries");
    }
    for (JsonNode e : entries) {
      String kind = e.path("type").asText("function");
      if (!kind.equals("event") && !kind.equals("function")) {
        continue;
      }
      String name = e.path("name").asText("");
      List<Param> params = new ArrayList<>();
      List<String> types = new ArrayList<>();
      int i = 0;
      for (JsonNode in : e.path("inputs")) {
        String type = in.path("type").asText();
        if (type.startsWith("tuple")) {
          throw new UdfException("ABI entry " + name + ": tuple parameters are not supported");
        }
        String pname = in.path("name").asText("");
        params.add(
            new Param(
                pname.isEmpty() ? "arg" + i : pname,
                type,
                in.path("indexed").asBoolean(false),
                ref(type, name)));
        types.add(type);
        i++;
      }
      String signature = name + "(" + String.join(",", types) + ")";
      String hash = Hash.sha3String(signature);
      if (kind.equals("event")) {
        if (!e.path("anonymous").asBoolean(false)) {
          eventsByTopic.put(hash, new Entry(name, params));
          params.forEach(p -> eventParameters.add(p.name()));
        }
      } else {
        functionsBySelector.put(hash.substring(0, 10), new Entry(name, params));
      }
    }
  }

  /**
   * The ABI's JSON. Chainbase's examples write it inside a YAML folded block with backslash-escaped
   * quotes ({@code {\"anonymous\":false,...}}), which YAML keeps as they are and Flink SQL string
   * literals do not unescape: such text is read with {@code \"} as {@code "} and {@code \\} as
   * {@code \}.
   */
  static JsonNode parse(String abiJson) {
    try {
      return JSON.readTree(abiJson);
    } catch (JsonProcessingException e) {
      if (abiJson.contains("\\\"")) {
        try {
          return JSON.readTree(
              abiJson.replace("\\\\", "\u0000").replace("\\\"", "\"").replace("\u0000", "\\"));
        } catch (JsonProcessingException unescaped) {
          // report the original problem
        }
      }
      throw new UdfException("the ABI is not JSON: " + e.getOriginalMessage());
    }
  }

  /** Whether the ABI has a (non-anonymous) event with this topic0. */
  public boolean hasEvent(String topic0) {
    return topic0 != null && eventsByTopic.containsKey(topic0.toLowerCase(Locale.ROOT));
  }

  /** Whether the ABI has a function with the input's selector. */
  public boolean hasFunction(String input) {
    return input != null
        && input.length() >= 10
        && functionsBySelector.containsKey(input.substring(0, 10).toLowerCase(Locale.ROOT));
  }

  @SuppressWarnings("unchecked")
  private static TypeReference<Type> ref(String type, String entry) {
    try {
      return (TypeReference<Type>) TypeReference.makeTypeReference(type);
    } catch (ClassNotFoundException | RuntimeException e) {
      throw new UdfException("ABI entry " + entry + ": cannot decode type '" + type + "'", e);
    }
  }

  /**
   * The decoded event as JSON, or empty when no event of the ABI has {@code topic0} or the log does
   * not fit it (wrong number of topics, short data).
   */
  public Optional<String> decodeEvent(
      String topic0, String topic1, String topic2, String topic3, String data) {
    if (topic0 == null) {
      return Optional.empty();
    }
    Entry event = eventsByTopic.get(topic0.toLowerCase(Locale.ROOT));
    if (event == null) {
      return Optional.empty();
    }
    String[] topics = {topic1, topic2, topic3};
    if (fastPath && event.staticOnly()) {
      Optional<String> decoded = decodeStatic(event, topics, data, -1);
      if (decoded != null) {
        return decoded;
      }
    }
    List<TypeReference<Type>> dataRefs = new ArrayList<>();
    for (Param p : event.inputs()) {
      if (!p.indexed()) {
        dataRefs.add(p.ref());
      }
    }
    List<Type> dataValues;
    try {
      dataValues =
          dataRefs.isEmpty()
              ? List.of()
              : FunctionReturnDecoder.decode(data == null ? "0x" : data, dataRefs);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (dataValues.size() != dataRefs.size()) {
      return Optional.empty();
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    int topic = 0;
    int dataIndex = 0;
    for (Param p : event.inputs()) {
      if (p.indexed()) {
        if (topic >= topics.length || topics[topic] == null) {
          return Optional.empty();
        }
        String t = topics[topic++];
        if (isDynamic(p.type())) {
          out.put(p.name(), t.toLowerCase(Locale.ROOT));
        } else {
          try {
            out.set(p.name(), json(FunctionReturnDecoder.decodeIndexedValue(t, p.ref())));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        }
      } else {
        out.set(p.name(), json(dataValues.get(dataIndex++)));
      }
    }
    for (int k = topic; k < topics.length; k++) {
      if (topics[k] != null) {
        return Optional.empty();
      }
    }
    return Optional.of(out.toString());
  }

  /** Whether some (non-anonymous) event of the ABI has a parameter with this JSON key. */
  public boolean hasEventParameter(String field) {
    return eventParameters.contains(field);
  }

  /** The error for a {@code field} no event has, naming the ABI's events and their parameters. */
  String noEventParameter(String field) {
    return "no event of the ABI has a parameter '"
        + field
        + "' ("
        + (eventsByTopic.isEmpty()
            ? "the ABI has no events"
            : "its events: "
                + eventsByTopic.values().stream()
                    .map(Entry::describe)
                    .sorted()
                    .collect(Collectors.joining(", ")))
        + ")";
  }

  /**
   * Whether the ABI has an event with this topic0 that has parameter {@code field}: a log of it for
   * which {@link #decodeEventField} is empty did not fit the event.
   */
  public boolean hasEventParameter(String topic0, String field) {
    if (topic0 == null) {
      return false;
    }
    Entry event = eventsByTopic.get(topic0.toLowerCase(Locale.ROOT));
    return event != null && event.positions().containsKey(field);
  }

  /**
   * One parameter of the decoded event, as {@code JSON_VALUE(decodeEvent(...), '$.<field>')} reads
   * it: addresses and byte strings lower-case hex, integers decimal text, booleans {@code
   * true}/{@code false}, strings as themselves — but an array parameter as its JSON text (where
   * {@code JSON_VALUE} gives NULL). Empty when no event of the ABI has {@code topic0}, when that
   * event has no parameter {@code field}, or when the log does not fit the event (exactly when
   * {@link #decodeEvent} is empty). Events of static parameters are read straight from the words
   * without building the JSON.
   *
   * @param field the parameter's JSON key ({@code arg<i>} for an unnamed one)
   * @throws UdfException when no event of the ABI has a parameter {@code field} (a mistake in the
   *     manuscript, not in the log)
   */
  public Optional<String> decodeEventField(
      String field, String topic0, String topic1, String topic2, String topic3, String data) {
    if (!eventParameters.contains(field)) {
      throw new UdfException(noEventParameter(field));
    }
    if (topic0 == null) {
      return Optional.empty();
    }
    Entry event = eventsByTopic.get(topic0.toLowerCase(Locale.ROOT));
    if (event == null) {
      return Optional.empty();
    }
    Integer position = event.positions().get(field);
    if (position == null) {
      return Optional.empty();
    }
    if (fastPath && event.staticOnly()) {
      Optional<String> value =
          decodeStatic(event, new String[] {topic1, topic2, topic3}, data, position);
      if (value != null) {
        return value;
      }
    }
    return decodeEvent(topic0, topic1, topic2, topic3, data)
        .map(
            decoded -> {
              JsonNode node;
              try {
                node = JSON.readTree(decoded).get(field);
              } catch (JsonProcessingException e) {
                throw new IllegalStateException("the decoder's own JSON does not parse", e);
              }
              if (node == null || node.isNull()) {
                return null;
              }
              return node.isValueNode() ? node.asText() : node.toString();
            });
  }

  /**
   * The decoded call as JSON (with the function name under {@code "function"}), or empty for
   * another selector.
   */
  public Optional<String> decodeFunction(String input) {
    if (input == null || input.length() < 10) {
      return Optional.empty();
    }
    Entry fn = functionsBySelector.get(input.substring(0, 10).toLowerCase(Locale.ROOT));
    if (fn == null) {
      return Optional.empty();
    }
    List<Type> values;
    try {
      values =
          fn.inputs().isEmpty()
              ? List.of()
              : FunctionReturnDecoder.decode(
                  "0x" + input.substring(10), fn.inputs().stream().map(Param::ref).toList());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    if (values.size() != fn.inputs().size()) {
      return Optional.empty();
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("function", fn.name());
    for (int i = 0; i < values.size(); i++) {
      out.set(fn.inputs().get(i).name(), json(values.get(i)));
    }
    return Optional.of(out.toString());
  }

  private static boolean isDynamic(String type) {
    return type.equals("string") || type.equals("bytes") || type.endsWith("]");
  }

  private static JsonNode json(Type value) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (value) {
      case Address a -> f.textNode(a.getValue().toLowerCase(Locale.ROOT));
      case NumericType n -> f.textNode(n.getValue().toString());
      case Bool b -> f.booleanNode(b.getValue());
      case Utf8String s -> f.textNode(s.getValue());
      case BytesType b -> f.textNode(Numeric.toHexString(b.getValue()));
      case Array<?> arr -> {
        ArrayNode node = f.arrayNode();
        for (Type item : arr.getValue()) {
          node.add(json(item));
        }
        yield node;
      }
      default -> f.textNode(String.valueOf(value.getValue()));
    };
  }
}
