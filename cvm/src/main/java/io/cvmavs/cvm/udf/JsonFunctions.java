package io.cvmavs.cvm.udf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * JSON helpers next to Flink's built-in {@code JSON_VALUE} / {@code JSON_QUERY}: {@code
 * Json_Get(json, key)} reads one top-level field as text (objects and arrays as JSON), {@code
 * Json_Array_Length(json)} counts array elements. Invalid JSON gives NULL.
 */
public final class JsonFunctions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonFunctions() {}

  static JsonNode tree(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** {@code Json_Get(json, key)}. */
  public static class JsonGet extends ScalarFunction {
    public String eval(String json, String key) {
      JsonNode node = tree(json);
      if (node == null
          || key == null
          || !node.isObject()
          || !node.has(key)
          || node.get(key).isNull()) {
        return null;
      }
      JsonNode v = node.get(key);
      return v.isValueNode() ? v.asText() : v.toString();
    }
  }

  /** {@code Json_Array_Length(json)}. */
  public static class JsonArrayLength extends ScalarFunction {
    public Integer eval(String json) {
      JsonNode node = tree(json);
      return node != null && node.isArray() ? node.size() : null;
    }
  }
}
