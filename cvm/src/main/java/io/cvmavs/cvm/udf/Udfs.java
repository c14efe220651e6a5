package io.cvmavs.cvm.udf;

import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.UserDefinedFunction;

/** The UDFs manuscripts may call, by their SQL names. */
public final class Udfs {
  public static final Map<String, Class<? extends UserDefinedFunction>> ALL =
      Map.ofEntries(
          Map.entry("Decode_Event", DecodeEvent.class),
          Map.entry("Decode_Event_Field", DecodeEventField.class),
          Map.entry("Decode_Function", DecodeFunction.class),
          Map.entry("Add", BigNumbers.Add.class),
          Map.entry("Subtract", BigNumbers.Subtract.class),
          Map.entry("Multiply", BigNumbers.Multiply.class),
          Map.entry("Divide", BigNumbers.Divide.class),
          Map.entry("Pow", BigNumbers.Pow.class),
          Map.entry("BIG_SUM", BigSum.class),
          Map.entry("Json_Get", JsonFunctions.JsonGet.class),
          Map.entry("Json_Array_Length", JsonFunctions.JsonArrayLength.class),
          Map.entry("FROM_JSON", JsonConversions.FromJson.class),
          Map.entry("ROW_TO_JSON", JsonConversions.RowToJson.class),
          Map.entry("ARRAY_TO_JSON", JsonConversions.ArrayToJson.class),
          Map.entry("GET_TOKEN_META", NetworkUdfs.GetTokenMeta.class),
          Map.entry("Eth_Call", NetworkUdfs.EthCall.class),
          Map.entry("RpcRequest", NetworkUdfs.RpcRequest.class));

  private Udfs() {}

  public static void register(TableEnvironment tEnv) {
    ALL.forEach(tEnv::createTemporarySystemFunction);
  }
}
