package io.cvmavs.common.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one strict YAML reader of the project (operator.yaml, monitor.yaml, stake.yaml): unknown
 * fields, duplicate keys (at any depth), nulls for primitives and trailing documents are errors,
 * the file must be UTF-8, and every error is thrown through the caller's {@link Failure} (so each
 * module keeps its own exception type) in the user's words: the file, the line (and column), the
 * field and what was expected, never a Java type name. Semantic checks stay with the loaders, which
 * can name the place of any key through {@link Parsed#at} (or the line of a top-level key through
 * {@link Parsed#where}).
 */
public final class StrictYaml {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final ObjectMapper YAML =
      new ObjectMapper(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictYaml() {}

  /** Makes the caller's exception for a refused file; {@code cause} may be null. */
  @FunctionalInterface
  public interface Failure {
    RuntimeException create(String message, Throwable cause);
  }

  /** Where a key was written: 1-based line and column. */
  public record Position(int line, int column) {}

  /**
   * A parsed file: the value, the line of each top-level key and the position of every key.
   *
   * @param lines 1-based line of each top-level key as written
   * @param keys position of every key, by dotted path ({@code prices.c_per_eth.value}); keys of
   *     mappings inside lists are recorded under their own name only
   */
  public record Parsed<T>(
      Path file, T value, Map<String, Integer> lines, Map<String, Position> keys) {
    /** {@code file:line: } for a top-level key that was written, else {@code file: }. */
    public String where(String key) {
      Integer line = lines.get(key);
      return line == null ? file + ": " : file + ":" + line + ": ";
    }

    /** {@code file:line:column: } for a key (dotted path) that was written, else {@code file: }. */
    public String at(String path) {
      Position p = keys.get(path);
      return p == null ? file + ": " : file + ":" + p.line() + ":" + p.column() + ": ";
    }
  }

  /**
   * @return the parsed holder, never null
   * @throws RuntimeException from {@code failure} when the file is unreadable, empty, not UTF-8,
   *     not YAML, or has an unknown, duplicate or mistyped field
   */
  public static <T> T read(Path file, Class<T> type, Failure failure) {
    return parse(file, type, failure).value();
  }

  /** As {@link #read}, keeping the place of each key for later messages. */
  public static <T> Parsed<T> parse(Path file, Class<T> type, Failure failure) {
    String text = text(file, failure);
    Keys keys = scanKeys(file, text, failure);
    T raw;
    try {
      raw = YAML.readValue(text, type);
    } catch (UnrecognizedPropertyException e) {
      Position key = keys.all.get(dotted(e));
      throw failure.create(
          (key == null
                  ? where(file, e.getLocation())
                  : file + ":" + key.line() + ":" + key.column() + ": ")
              + "unknown field '"
              + e.getPropertyName()
              + "' (known fields: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "))
              + ")",
          e);
    } catch (JsonMappingException e) {
      throw failure.create(where(file, e.getLocation()) + mappingProblem(e), e);
    } catch (JsonProcessingException e) {
      throw notYaml(file, e, failure);
    }
    if (raw == null) {
      throw failure.create(file + ": the configuration is empty", null);
    }
    return new Parsed<>(file, raw, Map.copyOf(keys.topLevel), Map.copyOf(keys.all));
  }

  /**
   * The file as a tree, for loaders that check fields themselves (with {@link Parsed#at} for the
   * place): the same UTF-8, duplicate-key and syntax checks as {@link #parse}; the root must be a
   * mapping.
   */
  public static Parsed<JsonNode> tree(Path file, Failure failure) {
    String text = text(file, failure);
    Keys keys = scanKeys(file, text, failure);
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw notYaml(file, e, failure);
    }
    if (root == null || !root.isObject()) {
      throw failure.create(
          file + ": the file must be a mapping of 'field: value' lines (a YAML mapping)", null);
    }
    return new Parsed<>(file, root, Map.copyOf(keys.topLevel), Map.copyOf(keys.all));
  }

  private static RuntimeException notYaml(Path file, JsonProcessingException e, Failure failure) {
    return failure.create(
        where(file, e.getLocation()) + "not valid YAML: " + firstLine(e.getOriginalMessage()), e);
  }

  /** The file as UTF-8 text, not blank; a byte that is not UTF-8 is reported with its line. */
  private static String text(Path file, Failure failure) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw failure.create(file + ": configuration file not found", e);
    } catch (IOException e) {
      throw failure.create(file + ": cannot read the configuration: " + e.getMessage(), e);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw failure.create(
          file
              + ":"
              + line
              + ": not UTF-8 text (byte "
              + String.format("0x%02x", bytes[offset] & 0xff)
              + " at offset "
              + offset
              + "); save the file as UTF-8",
          null);
    }
    decoder.flush(out);
    out.flip();
    String text = out.toString();
    if (text.isBlank()) {
      throw failure.create(file + ": the configuration is empty", null);
    }
    return text;
  }

  private record Keys(Map<String, Integer> topLevel, Map<String, Position> all) {}

  /**
   * Walks the document once: refuses a key written twice in one mapping (YAML says keys are unique;
   * a parser that lets the last one win hides a mistake) and records where each key was written.
   */
  private static Keys scanKeys(Path file, String text, Failure failure) {
    Map<String, Integer> topLevel = new HashMap<>();
    Map<String, Position> all = new HashMap<>();
    Deque<Map<String, Integer>> objects = new ArrayDeque<>();
    Deque<String> names = new ArrayDeque<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken token;
      String pendingName = null;
      while ((token = p.nextToken()) != null) {
        switch (token) {
          case START_OBJECT -> {
            objects.push(new HashMap<>());
            names.push(pendingName == null ? "" : pendingName);
            pendingName = null;
          }
          case END_OBJECT -> {
            objects.pop();
            names.pop();
          }
          case FIELD_NAME -> {
            String name = p.currentName();
            JsonLocation location = p.currentTokenLocation();
            int line = location.getLineNr();
            Map<String, Integer> seen = objects.peek();
            Integer first = seen.putIfAbsent(name, line);
            String path = names.peek().isEmpty() ? name : names.peek() + "." + name;
            if (first != null) {
              throw failure.create(
                  file
                      + ":"
                      + line
                      + ": duplicate key '"
                      + path
                      + "' (first set on line "
                      + first
                      + "; each key may appear once)",
                  null);
            }
            if (objects.size() == 1) {
              topLevel.put(name, line);
            }
            all.putIfAbsent(path, new Position(line, location.getColumnNr()));
            pendingName = path;
          }
          default -> pendingName = null;
        }
      }
    } catch (JsonProcessingException e) {
      throw notYaml(file, e, failure);
    } catch (IOException e) {
      throw failure.create(file + ": cannot read the configuration: " + e.getMessage(), e);
    }
    return new Keys(topLevel, all);
  }

  /** A type or shape mismatch in words: which field, what was expected, what was written. */
  private static String mappingProblem(JsonMappingException e) {
    String field = dotted(e);
    if (field.isEmpty()) {
      return "the file must be a mapping of 'field: value' lines (e.g. 'node_name: op-1')";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String expected = expected(m.getTargetType());
      String got =
          e instanceof InvalidFormatException f && f.getValue() != null
              ? ", got '" + f.getValue() + "'"
              : Optional.ofNullable(m.getMessage())
                  .filter(s -> s.contains("START_ARRAY") || s.contains("from Array"))
                  .map(s -> ", got a list")
                  .orElse(
                      Optional.ofNullable(m.getMessage())
                          .filter(s -> s.contains("START_OBJECT") || s.contains("from Object"))
                          .map(s -> ", got a mapping")
                          .orElse(""));
      return "field '" + field + "': expected " + expected + got;
    }
    return "field '" + field + "': " + firstLine(withoutJavaNames(e.getOriginalMessage()));
  }

  private static String expected(Class<?> type) {
    if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a single value (text)";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a mapping of 'name: value' lines";
    }
    if (java.util.Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping of 'field: value' lines";
  }

  /** Jackson names Java types in backquotes; the user wrote YAML. */
  private static String withoutJavaNames(String message) {
    return message == null ? "" : message.replaceAll("`[\\w.$]+`", "value");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).trim();
  }

  private static String where(Path file, JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return file + ": ";
    }
    return file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
  }

  private static String dotted(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
