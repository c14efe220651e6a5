package io.cvmavs.operator.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Reads a YAML configuration file into its raw field holder, the house way: unknown fields, nulls
 * for primitives and trailing documents are errors, and every error is a {@link ConfigException}
 * naming the file, the field and (for syntax and type errors) the line. Shared by {@code
 * operator.yaml} and {@code monitor.yaml}; their semantic checks stay with their loaders.
 */
public final class StrictYaml {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private StrictYaml() {}

  /**
   * @return the parsed holder, never null
   * @throws ConfigException when the file is unreadable, empty, not YAML, or has an unknown or
   *     mistyped field
   */
  public static <T> T read(Path file, Class<T> type) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read the configuration: " + e.getMessage(), e);
    }
    if (text.isBlank()) {
      throw new ConfigException(file + ": the configuration is empty");
    }
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
      throw new ConfigException(
          where(file, e.getLocation()) + "field '" + path(e) + "': " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          where(file, e.getLocation()) + "not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (raw == null) {
      throw new ConfigException(file + ": the configuration is empty");
    }
    return raw;
  }

  private static String where(Path file, JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return file + ": ";
    }
    return file + ":" + location.getLineNr() + ":" + location.getColumnNr() + ": ";
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
