package io.cvmavs.cvm.udf;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code Decode_Function(abiJson, input)}: transaction input decoded against the ABI as a JSON
 * object with the function name under {@code "function"} and the arguments by name, or NULL for
 * another selector.
 */
public class DecodeFunction extends ScalarFunction {
  private transient Map<String, AbiCodec> codecs;

  public String eval(String abi, String input) {
    if (abi == null) {
      return null;
    }
    if (codecs == null) {
      codecs = new HashMap<>();
    }
    return codecs.computeIfAbsent(abi, AbiCodec::new).decodeFunction(input).orElse(null);
  }
}
