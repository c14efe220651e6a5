package io.cvmavs.cvm.udf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.Test;

/**
 * Chainbase's UDF behaviour: escaped ABIs, NULL-and-count for rows that do not decode, JSON UDFs.
 */
class ChainbaseUdfsTest {
  static final String ABI =
      "{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"name\":\"from\",\"type\":\"address\"},"
          + "{\"indexed\":true,\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"name\":\"value\","
          + "\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"}";
  static final String TOPIC0 = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
  static final String FROM = "0x" + "00".repeat(12) + "11".repeat(20);
  static final String TO = "0x" + "00".repeat(12) + "22".repeat(20);
  static final String VALUE = "0x" + "00".repeat(31) + "2a";

  @Test
  void abiWithBackslashEscapedQuotesDecodesLikeThePlainOne() {
    // As Chainbase writes it in a folded YAML block: YAML keeps the backslashes, Flink SQL too.
    String escaped = ABI.replace("\"", "\\\"");
    DecodeEvent udf = new DecodeEvent();
    String plain = udf.eval(ABI, TOPIC0, FROM, TO, null, VALUE);
    assertThat(plain)
        .isEqualTo(
            "{\"from\":\"0x"
                + "11".repeat(20)
                + "\",\"to\":\"0x"
                + "22".repeat(20)
                + "\",\"value\":\"42\"}");
    assertThat(udf.eval(escaped, TOPIC0, FROM, TO, null, VALUE)).isEqualTo(plain);
  }

  @Test
  void aRowThatDoesNotDecodeIsNullAndCounted() {
    DecodeEvent udf = new DecodeEvent();
    long before = UdfFailures.total("Decode_Event");
    assertThat(udf.eval(ABI, TOPIC0, FROM, TO, null, "0x12")).isNull(); // short data
    assertThat(udf.eval(ABI, TOPIC0, FROM, null, null, VALUE)).isNull(); // missing topic
    assertThat(udf.eval("{not json", TOPIC0, FROM, TO, null, VALUE)).isNull(); // bad ABI
    assertThat(UdfFailures.total("Decode_Event")).isEqualTo(before + 3);
    // another event's log is not a failure: NULL, not counted
    assertThat(udf.eval(ABI, "0x" + "ab".repeat(32), FROM, TO, null, VALUE)).isNull();
    assertThat(UdfFailures.total("Decode_Event")).isEqualTo(before + 3);
  }

  @Test
  void decodeEventFieldIsNullAndCountedForARowThatDoesNotDecode() {
    DecodeEventField udf = new DecodeEventField();
    String escaped = ABI.replace("\"", "\\\"");
    assertThat(udf.eval(ABI, "from", TOPIC0, FROM, TO, null, VALUE))
        .isEqualTo("0x" + "11".repeat(20));
    assertThat(udf.eval(escaped, "to", TOPIC0, FROM, TO, null, VALUE))
        .isEqualTo("0x" + "22".repeat(20));
    assertThat(udf.eval(ABI, "value", TOPIC0, FROM, TO, null, VALUE)).isEqualTo("42");
    long before = UdfFailures.total("Decode_Event_Field");
    assertThat(udf.eval(ABI, "from", TOPIC0, FROM, TO, null, "0x12")).isNull(); // short data
    assertThat(udf.eval(ABI, "value", TOPIC0, FROM, null, null, VALUE)).isNull(); // missing topic
    assertThat(udf.eval("{not json", "value", TOPIC0, FROM, TO, null, VALUE)).isNull(); // bad ABI
    assertThat(UdfFailures.total("Decode_Event_Field")).isEqualTo(before + 3);
    // another event's log, a NULL ABI or field: NULL, not counted
    assertThat(udf.eval(ABI, "from", "0x" + "ab".repeat(32), FROM, TO, null, VALUE)).isNull();
    assertThat(udf.eval(null, "from", TOPIC0, FROM, TO, null, VALUE)).isNull();
    assertThat(udf.eval(ABI, null, TOPIC0, FROM, TO, null, VALUE)).isNull();
    assertThat(UdfFailures.total("Decode_Event_Field")).isEqualTo(before + 3);
  }

  @Test
  void decodeEventFieldRefusesAFieldNoEventHas() {
    assertThatThrownBy(
            () -> new DecodeEventField().eval(ABI, "amount", TOPIC0, FROM, TO, null, VALUE))
        .isInstanceOf(UdfException.class)
        .hasMessage(
            "Decode_Event_Field: no event of the ABI has a parameter 'amount' (its events:"
                + " Transfer(from, to, value))");
  }

  @Test
  void decodeFunctionCountsInputThatDoesNotFit() {
    String abi =
        "[{\"type\":\"function\",\"name\":\"transfer\",\"inputs\":[{\"name\":\"to\",\"type\":\"address\"},"
            + "{\"name\":\"amount\",\"type\":\"uint256\"}]}]";
    DecodeFunction udf = new DecodeFunction();
    long before = UdfFailures.total("Decode_Function");
    assertThat(udf.eval(abi, "0xa9059cbb" + TO.substring(2) + VALUE.substring(2)))
        .isEqualTo(
            "{\"function\":\"transfer\",\"to\":\"0x" + "22".repeat(20) + "\",\"amount\":\"42\"}");
    assertThat(udf.eval(abi, "0xa9059cbb" + "00".repeat(5))).isNull();
    assertThat(UdfFailures.total("Decode_Function")).isEqualTo(before + 1);
  }

  @Test
  void fromJsonConvertsToTheNamedType() throws Exception {
    ObjectMapper json = new ObjectMapper();
    LogicalType strings = DataTypes.ARRAY(DataTypes.STRING()).getLogicalType();
    Object out =
        JsonConversions.convert(json.readTree("[{\"MoveCall\":{\"a\":1}},\"x\"]"), strings);
    assertThat((Object[]) out).containsExactly("{\"MoveCall\":{\"a\":1}}", "x");
    LogicalType row =
        DataTypes.ROW(
                DataTypes.FIELD("n", DataTypes.BIGINT()),
                DataTypes.FIELD("m", DataTypes.MAP(DataTypes.STRING(), DataTypes.INT())))
            .getLogicalType();
    Row r = (Row) JsonConversions.convert(json.readTree("{\"n\":\"7\",\"m\":{\"k\":3}}"), row);
    assertThat(r.getField(0)).isEqualTo(7L);
    assertThat(r.getField(1)).isEqualTo(Map.of("k", 3));
  }

  @Test
  void rowAndArrayToJsonUseTheTypesFieldNames() {
    LogicalType row =
        DataTypes.ROW(
                DataTypes.FIELD("a", DataTypes.STRING()),
                DataTypes.FIELD("b", DataTypes.ARRAY(DataTypes.BIGINT())))
            .getLogicalType();
    assertThat(JsonConversions.toJson(Row.of("x", new Long[] {1L, 2L}), row).toString())
        .isEqualTo("{\"a\":\"x\",\"b\":[1,2]}");
    assertThat(
            JsonConversions.toJson(
                    new String[] {"p", null}, DataTypes.ARRAY(DataTypes.STRING()).getLogicalType())
                .toString())
        .isEqualTo("[\"p\",null]");
    assertThat(Udfs.ALL.keySet())
        .containsAll(
            List.of(
                "FROM_JSON",
                "ROW_TO_JSON",
                "ARRAY_TO_JSON",
                "GET_TOKEN_META",
                "Eth_Call",
                "RpcRequest"));
  }
}
