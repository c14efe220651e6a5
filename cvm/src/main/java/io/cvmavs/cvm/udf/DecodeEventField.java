package io.cvmavs.cvm.udf;

import java.util.List;
import java.util.Optional;
import org.apache.flink.table.catalog.DataTypeFactory;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.FunctionDefinition;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.extraction.TypeInferenceExtractor;
import org.apache.flink.table.types.inference.ArgumentCount;
import org.apache.flink.table.types.inference.CallContext;
import org.apache.flink.table.types.inference.InputTypeStrategy;
import org.apache.flink.table.types.inference.Signature;
import org.apache.flink.table.types.inference.TypeInference;

/**
 * {@code Decode_Event_Field(abiJson, field, topic0, topic1, topic2, topic3, data)}: one parameter
 * of the decoded log, the value {@code JSON_VALUE(Decode_Event(abiJson, topic0, ..., data),
 * '$.<field>')} gives (an array parameter as its JSON text), without building or parsing JSON: for
 * events of static parameters (address, bool, intN, uintN, bytesN) the value is cut from its word.
 * NULL when the ABI has no event with that topic0 or that event has no such parameter; a log the
 * event does not fit, or an ABI that does not parse, is NULL and counted ({@link UdfFailures}, once
 * per call). A {@code field} that no event of the ABI has is a mistake in the manuscript: refused
 * when the SQL is planned (and by {@code manuscript validate}) if the ABI and the field are
 * literals, else it fails the job; the error names the field and the ABI's events.
 */
public class DecodeEventField extends ScalarFunction {
  static final String NAME = "Decode_Event_Field";
  private final UdfFailures failures = new UdfFailures(NAME);
  private transient AbiCodecCache codecs;

  // the ABI is a literal in practice: the same String instance on every row

  @Override
  public void open(FunctionContext context) {
    failures.open(context);
  }

  /**
   * The types reflection gives {@link #eval}, plus a check when the SQL is planned: with a literal
   * ABI that parses and a literal field, the field must be a parameter of one of its events.
   */
  @Override
  public TypeInference getTypeInference(DataTypeFactory typeFactory) {
    TypeInference base = TypeInferenceExtractor.forScalarFunction(typeFactory, getClass());
    InputTypeStrategy reflected = base.getInputTypeStrategy();
    InputTypeStrategy checked =
        new InputTypeStrategy() {
          @Override
          public ArgumentCount getArgumentCount() {
            return reflected.getArgumentCount();
          }

          @Override
          public Optional<List<DataType>> inferInputTypes(
              CallContext call, boolean throwOnFailure) {
            if (call.getArgumentDataTypes().size() >= 2
                && call.isArgumentLiteral(0)
                && call.isArgumentLiteral(1)) {
              Optional<String> abi = call.getArgumentValue(0, String.class);
              Optional<String> field = call.getArgumentValue(1, String.class);
              if (abi.isPresent() && field.isPresent()) {
                AbiCodec codec;
                try {
                  codec = new AbiCodec(abi.get());
                } catch (RuntimeException e) {
                  codec = null; // NULL on every row, counted, as Decode_Event's
                }
                if (codec != null && !codec.hasEventParameter(field.get())) {
                  return call.fail(
                      throwOnFailure, "%s", NAME + ": " + codec.noEventParameter(field.get()));
                }
              }
            }
            return reflected.inferInputTypes(call, throwOnFailure);
          }

          @Override
          public List<Signature> getExpectedSignatures(FunctionDefinition definition) {
            return reflected.getExpectedSignatures(definition);
          }
        };
    TypeInference.Builder builder =
        TypeInference.newBuilder()
            .inputTypeStrategy(checked)
            .outputTypeStrategy(base.getOutputTypeStrategy());
    base.getStaticArguments().ifPresent(builder::staticArguments);
    return builder.build();
  }

  public String eval(
      String abi,
      String field,
      String topic0,
      String topic1,
      String topic2,
      String topic3,
      String data) {
    if (abi == null || field == null) {
      return null;
    }
    Optional<AbiCodec> codec = codec(abi);
    if (codec.isEmpty()) {
      return failures.nullRow();
    }
    Optional<String> value;
    try {
      value = codec.get().decodeEventField(field, topic0, topic1, topic2, topic3, data);
    } catch (UdfException e) {
      throw new UdfException(NAME + ": " + e.getMessage(), e); // a field no event has
    } catch (RuntimeException e) {
      return failures.nullRow();
    }
    if (value.isEmpty() && codec.get().hasEventParameter(topic0, field)) {
      return failures.nullRow();
    }
    return value.orElse(null);
  }

  private Optional<AbiCodec> codec(String abi) {
    if (codecs == null) {
      codecs = new AbiCodecCache();
    }
    return codecs.get(abi);
  }
}
