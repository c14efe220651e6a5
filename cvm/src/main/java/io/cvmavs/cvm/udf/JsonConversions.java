package io.cvmavs.cvm.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.functions.SpecializedFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.inference.InputTypeStrategies;
import org.apache.flink.table.types.inference.TypeInference;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.MapType;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.Row;

/**
 * Chainbase's JSON conversion UDFs: {@code FROM_JSON(json, 'ARRAY<STRING>')} parses JSON into the
 * SQL type named by the (literal) second argument; {@code ROW_TO_JSON(row)} and {@code
 * ARRAY_TO_JSON(array)} write a ROW as a JSON object (field names from its type) and an ARRAY as a
 * JSON array. JSON that does not fit the type is NULL and counted ({@link UdfFailures}).
 */
public final class JsonConversions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonConversions() {}

  /** {@code FROM_JSON(json, type)}. */
  public static class FromJson extends ScalarFunction {
    private final UdfFailures failures = new UdfFailures("FROM_JSON");
    private final Map<String, LogicalType> types = new LinkedHashMap<>();
    private transient DataTypeFactory factory;

    @Override
    public void open(FunctionContext context) {
      failures.open(context);
    }

    public Object eval(String json, String type) {
      if (json == null || type == null) {
        return null;
      }
      LogicalType t = types.get(type);
      if (t == null) {
        return failures.nullRow();
      }
      try {
        return convert(JSON.readTree(json), t);
      } catch (Exception e) {
        return failures.nullRow();
      }
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
      this.factory = typeFactory;
      return TypeInference.newBuilder()
          .typedArguments(DataTypes.STRING(), DataTypes.STRING())
          .outputTypeStrategy(
              call -> {
                if (!call.isArgumentLiteral(1) || call.isArgumentNull(1)) {
                  throw call.newValidationError(
                      "FROM_JSON's second argument must be a type literal such as 'ARRAY<STRING>'");
                }
                String text = call.getArgumentValue(1, String.class).orElseThrow();
                DataType parsed;
                try {
                  parsed = typeFactory.createDataType(text);
                } catch (RuntimeException e) {
                  throw call.newValidationError(
                      "FROM_JSON: '%s' is not a SQL type (%s)", text, e.getMessage());
                }
                types.put(text, parsed.getLogicalType());
                return Optional.of(parsed);
              })
          .build();
    }
  }

  static Object convert(JsonNode n, LogicalType t) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    return switch (t.getTypeRoot()) {
      case CHAR, VARCHAR -> n.isValueNode() ? n.asText() : n.toString();
      case BOOLEAN -> {
        if (!n.isBoolean()) {
          throw new IllegalArgumentException("not a boolean");
        }
        yield n.booleanValue();
      }
      case TINYINT -> (byte) n.asLong();
      case SMALLINT -> (short) n.asLong();
      case INTEGER -> Math.toIntExact(number(n).longValueExact());
      case BIGINT -> number(n).longValueExact();
      case FLOAT -> number(n).floatValue();
      case DOUBLE -> number(n).doubleValue();
      case DECIMAL -> number(n);
      case ARRAY -> {
        if (!n.isArray()) {
          throw new IllegalArgumentException("not an array");
        }
        LogicalType element = ((ArrayType) t).getElementType();
        Object[] out =
            (Object[]) java.lang.reflect.Array.newInstance(conversionClass(element), n.size());
        for (int i = 0; i < n.size(); i++) {
          out[i] = convert(n.get(i), element);
        }
        yield out;
      }
      case MAP -> {
        if (!n.isObject()) {
          throw new IllegalArgumentException("not an object");
        }
        MapType m = (MapType) t;
        Map<Object, Object> out = new LinkedHashMap<>();
        n.fields()
            .forEachRemaining(e -> out.put(e.getKey(), convert(e.getValue(), m.getValueType())));
        yield out;
      }
      case ROW -> {
        if (!n.isObject()) {
          throw new IllegalArgumentException("not an object");
        }
        RowType r = (RowType) t;
        Row out = new Row(r.getFieldCount());
        for (int i = 0; i < r.getFieldCount(); i++) {
          out.setField(i, convert(n.get(r.getFieldNames().get(i)), r.getTypeAt(i)));
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("FROM_JSON does not produce " + t);
    };
  }

  private static BigDecimal number(JsonNode n) {
    if (n.isNumber()) {
      return n.decimalValue();
    }
    return new BigDecimal(n.asText().trim());
  }

  private static Class<?> conversionClass(LogicalType t) {
    return t.getDefaultConversion();
  }

  /** Common part of ROW_TO_JSON and ARRAY_TO_JSON: the argument's type is known per call site. */
  abstract static class ToJson extends ScalarFunction implements SpecializedFunction {
    final LogicalType argument;

    ToJson(LogicalType argument) {
      this.argument = argument;
    }

    abstract ToJson with(LogicalType argument);

    abstract boolean accepts(LogicalType t);

    abstract String sqlName();

    @Override
    public ScalarFunction specialize(SpecializedContext context) {
      return with(context.getCallContext().getArgumentDataTypes().get(0).getLogicalType());
    }

    @Override
    public TypeInference getTypeInference(DataTypeFactory typeFactory) {
      return TypeInference.newBuilder()
          .inputTypeStrategy(InputTypeStrategies.sequence(InputTypeStrategies.ANY))
          .outputTypeStrategy(
              call -> {
                LogicalType t = call.getArgumentDataTypes().get(0).getLogicalType();
                if (!accepts(t)) {
                  throw call.newValidationError("%s takes a %s, got %s", sqlName(), kind(), t);
                }
                return Optional.of(DataTypes.STRING());
              })
          .build();
    }

    abstract String kind();

    public String eval(Object value) {
      if (value == null) {
        return null;
      }
      return toJson(value, argument).toString();
    }
  }

  /** {@code ROW_TO_JSON(row)}. */
  public static class RowToJson extends ToJson {
    public RowToJson() {
      this(null);
    }

    RowToJson(LogicalType argument) {
      super(argument);
    }

    @Override
    ToJson with(LogicalType argument) {
      return new RowToJson(argument);
    }

    @Override
    boolean accepts(LogicalType t) {
      return t instanceof RowType;
    }

    @Override
    String sqlName() {
      return "ROW_TO_JSON";
    }

    @Override
    String kind() {
      return "ROW";
    }
  }

  /** {@code ARRAY_TO_JSON(array)}. */
  public static class ArrayToJson extends ToJson {
    public ArrayToJson() {
      this(null);
    }

    ArrayToJson(LogicalType argument) {
      super(argument);
    }

    @Override
    ToJson with(LogicalType argument) {
      return new ArrayToJson(argument);
    }

    @Override
    boolean accepts(LogicalType t) {
      return t instanceof ArrayType;
    }

    @Override
    String sqlName() {
      return "ARRAY_TO_JSON";
    }

    @Override
    String kind() {
      return "ARRAY";
    }
  }

  static JsonNode toJson(Object value, LogicalType t) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value == null) {
      return f.nullNode();
    }
    if (t instanceof RowType r && value instanceof Row row) {
      ObjectNode o = f.objectNode();
      List<String> names = r.getFieldNames();
      for (int i = 0; i < names.size(); i++) {
        o.set(names.get(i), toJson(row.getField(i), r.getTypeAt(i)));
      }
      return o;
    }
    if (t instanceof ArrayType a && value instanceof Object[] items) {
      ArrayNode arr = f.arrayNode();
      for (Object item : items) {
        arr.add(toJson(item, a.getElementType()));
      }
      return arr;
    }
    if (t instanceof MapType m && value instanceof Map<?, ?> map) {
      ObjectNode o = f.objectNode();
      map.forEach((k, v) -> o.set(String.valueOf(k), toJson(v, m.getValueType())));
      return o;
    }
    return switch (value) {
      case Boolean b -> f.booleanNode(b);
      case Long l -> f.numberNode(l);
      case Integer i -> f.numberNode(i);
      case Short s -> f.numberNode(s);
      case Byte b -> f.numberNode(b);
      case BigDecimal d -> f.numberNode(d);
      case Double d -> f.numberNode(d);
      case Float x -> f.numberNode(x);
      default -> f.textNode(String.valueOf(value));
    };
  }
}
