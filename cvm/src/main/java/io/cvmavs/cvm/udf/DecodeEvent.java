package io.cvmavs.cvm.udf;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code Decode_Event(abiJson, topic0, topic1, topic2, topic3, data)}: the log decoded against the
 * ABI as a JSON object (see {@link AbiCodec}), or NULL when the ABI has no event with that topic0
 * or the log does not fit it. Read fields with {@code JSON_VALUE(event, '$.from')}.
 */
public class DecodeEvent extends ScalarFunction {
  private transient Map<String, AbiCodec> codecs;

  public String eval(
      String abi, String topic0, String topic1, String topic2, String topic3, String data) {
    if (abi == null) {
      return null;
    }
    return codec(abi).decodeEvent(topic0, topic1, topic2, topic3, data).orElse(null);
  }

  private AbiCodec codec(String abi) {
    if (codecs == null) {
      codecs = new HashMap<>();
    }
    return codecs.computeIfAbsent(abi, AbiCodec::new);
  }
}
