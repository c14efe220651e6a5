package io.cvmavs.cvm.udf;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code Decode_Event(abiJson, topic0, topic1, topic2, topic3, data)}: the log decoded against the
 * ABI as a JSON object (see {@link AbiCodec}), or NULL when the ABI has no event with that topic0.
 * A log the ABI's event does not fit, or an ABI that does not parse, is NULL too and counted
 * ({@link UdfFailures}). Read fields with {@code JSON_VALUE(event, '$.from')}.
 */
public class DecodeEvent extends ScalarFunction {
  private final UdfFailures failures = new UdfFailures("Decode_Event");
  private transient Map<String, Optional<AbiCodec>> codecs;

  @Override
  public void open(FunctionContext context) {
    failures.open(context);
  }

  public String eval(
      String abi, String topic0, String topic1, String topic2, String topic3, String data) {
    if (abi == null) {
      return null;
    }
    Optional<AbiCodec> codec = codec(abi);
    if (codec.isEmpty()) {
      return failures.nullRow();
    }
    try {
      Optional<String> decoded = codec.get().decodeEvent(topic0, topic1, topic2, topic3, data);
      if (decoded.isEmpty() && codec.get().hasEvent(topic0)) {
        return failures.nullRow();
      }
      return decoded.orElse(null);
    } catch (RuntimeException e) {
      return failures.nullRow();
    }
  }

  private Optional<AbiCodec> codec(String abi) {
    if (codecs == null) {
      codecs = new HashMap<>();
    }
    return codecs.computeIfAbsent(
        abi,
        a -> {
          try {
            return Optional.of(new AbiCodec(a));
          } catch (RuntimeException e) {
            return Optional.empty();
          }
        });
  }
}
