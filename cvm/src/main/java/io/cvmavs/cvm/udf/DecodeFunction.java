package io.cvmavs.cvm.udf;

import java.util.Optional;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code Decode_Function(abiJson, input)}: transaction input decoded against the ABI as a JSON
 * object with the function name under {@code "function"} and the arguments by name, or NULL for
 * another selector. Input the function does not fit, or an ABI that does not parse, is NULL and
 * counted ({@link UdfFailures}).
 */
public class DecodeFunction extends ScalarFunction {
  private final UdfFailures failures = new UdfFailures("Decode_Function");
  private transient AbiCodecCache codecs;

  @Override
  public void open(FunctionContext context) {
    failures.open(context);
  }

  public String eval(String abi, String input) {
    if (abi == null) {
      return null;
    }
    if (codecs == null) {
      codecs = new AbiCodecCache();
    }
    Optional<AbiCodec> codec = codecs.get(abi);
    if (codec.isEmpty()) {
      return failures.nullRow();
    }
    try {
      Optional<String> decoded = codec.get().decodeFunction(input);
      if (decoded.isEmpty() && codec.get().hasFunction(input)) {
        return failures.nullRow();
      }
      return decoded.orElse(null);
    } catch (RuntimeException e) {
      return failures.nullRow();
    }
  }
}
