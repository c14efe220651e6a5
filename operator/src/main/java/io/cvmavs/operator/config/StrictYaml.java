package io.cvmavs.operator.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
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
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a YAML configuration file into its raw field holder, the house way: unknown fields,
 * duplicate keys (at any depth), nulls for primitives and trailing documents are errors, the file
 * must be UTF-8, and every error is a {@link ConfigException} in the user's words: the file, the
 * line, the field and what was expected, never a Java type name. Shared by {@code operator.yaml}
 * and {@code monitor.yaml}; their semantic checks stay with their loaders, which can name the line
 * of a top-level field through {@link Parsed#where}.
 */
public final class StrictYaml {
  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final ObjectMapper YAML =
      new ObjectMapper(FACTORY)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictYaml() {}

  /**
   * A parsed file: the holder and the line of each top-level key.
   *
   * @param lines 1-based line of each top-level key as written
   */
  public record Parsed<T>(Path file, T value, Map<String, Integer> lines) {
    /** {@code file:line: } for a top-level key that was written, else {@code file: }. */
    public String where(String key) {
      Integer line = lines.get(key);
      return line == null ? file + ": " : file + ":" + line + ": ";
    }
  }

  /**
   * @return the parsed holder, never null
   * @throws ConfigException when the file is unreadable, empty, not UTF-8, not YAML, or has an
   *     unknown, duplicate or mistyped field
   */
  public static <T> T read(Path file, Class<T> type) {
    return parse(file, type).value();
  }

  /** As {@link #read}, keeping the line of each top-level key for later messages. */
  public static <T> Parsed<T> parse(Path file, Class<T> type) {
    String text = text(file);
    if (text.isBlank()) {
      throw new ConfigException(file + ": the configuration is empty");
    }
    Map<String, Integer> lines = scanKeys(file, text);
    T raw;
    try {
      raw = YAML.readValue(text, type);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          where(file, e.getLocation())
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
      throw new ConfigException(where(file, e.getLocation()) + mappingProblem(e), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          where(file, e.getLocation()) + "not valid YAML: " + firstLine(e.getOriginalMessage()), e);
    }
    if (raw == null) {
      throw new ConfigException(file + ": the configuration is empty");
    }
    return new Parsed<>(file, raw, Map.copyOf(lines));
  }

  /** The file as UTF-8 text; a byte that is not UTF-8 is reported with its line. */
  private static String text(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration: " + e.getMessage(), e);
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
      throw new ConfigException(
          file
              + ":"
              + line
              + ": not UTF-8 text (byte "
              + String.format("0x%02x", bytes[offset] & 0xff)
              + " at offset "
              + offset
              + "); save the file as UTF-8");
    }
    decoder.flush(out);
    out.flip();
    return out.toString();
  }

  /**
   * Walks the document once: refuses a key written twice in one mapping (YAML says keys are unique;
   * a parser that lets the last one win hides a mistake) and records the line of each top-level
   * key.
   */
  private static Map<String, Integer> scanKeys(Path file, String text) {
    Map<String, Integer> topLevel = new HashMap<>();
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
            int line = p.currentTokenLocation().getLineNr();
            Map<String, Integer> seen = objects.peek();
            Integer first = seen.putIfAbsent(name, line);
            String path = names.peek().isEmpty() ? name : names.peek() + "." + name;
            if (first != null) {
              throw new ConfigException(
                  file
                      + ":"
                      + line
                      + ": duplicate key '"
                      + path
                      + "' (first set on line "
                      + first
                      + "; each key may appear once)");
            }
            if (objects.size() == 1) {
              topLevel.put(name, line);
            }
            pendingName = path;
          }
          default -> pendingName = null;
        }
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          where(file, e.getLocation()) + "not valid YAML: " + firstLine(e.getOriginalMessage()), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration: " + e.getMessage(), e);
    }
    return topLevel;
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
