package io.cvmavs.cvm.udf;

import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.UserDefinedFunction;

/** The UDFs manuscripts may call, by their SQL names. */
public final class Udfs {
  public static final Map<String, Class<? extends UserDefinedFunction>> ALL =
      Map.of(
          "Decode_Event", DecodeEvent.class,
          "Decode_Function", DecodeFunction.class,
          "Add", BigNumbers.Add.class,
          "Subtract", BigNumbers.Subtract.class,
          "Multiply", BigNumbers.Multiply.class,
          "Divide", BigNumbers.Divide.class,
          "Pow", BigNumbers.Pow.class,
          "Json_Get", JsonFunctions.JsonGet.class,
          "Json_Array_Length", JsonFunctions.JsonArrayLength.class);

  private Udfs() {}

  public static void register(TableEnvironment tEnv) {
    ALL.forEach(tEnv::createTemporarySystemFunction);
  }
}
