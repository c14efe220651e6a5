package io.cvmavs.cvm.udf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.cvm.ingest.JsonRpc;
import io.cvmavs.cvm.ingest.TokenMetaReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The UDFs that ask a JSON-RPC node ({@code node} is its URL): {@code GET_TOKEN_META(node, address,
 * bytecode)}, {@code Eth_Call(node, to, data[, block])}, {@code RpcRequest(node, method,
 * paramsJson)}. Their answers depend on the node and the time asked, so the manuscript parser
 * refuses them in anything a {@code dataset} sink reads; print, filesystem and postgres sinks may
 * use them. A node that fails or answers an error gives NULL, counted ({@link UdfFailures}).
 */
public final class NetworkUdfs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NetworkUdfs() {}

  abstract static class Networked extends ScalarFunction {
    final UdfFailures failures;
    private transient Map<String, JsonRpc> clients;

    Networked(String name) {
      this.failures = new UdfFailures(name);
    }

    @Override
    public void open(FunctionContext context) {
      failures.open(context);
    }

    @Override
    public boolean isDeterministic() {
      return false;
    }

    JsonRpc client(String node) {
      if (clients == null) {
        clients = new HashMap<>();
      }
      return clients.computeIfAbsent(node, JsonRpc::new);
    }
  }

  /**
   * {@code GET_TOKEN_META(node, address, bytecode)}: the contract's token metadata at the node's
   * latest block as JSON ({@code name}, {@code symbol}, {@code decimals}, {@code total_supply},
   * {@code is_erc20}, {@code is_erc721}, {@code is_erc1155}, {@code is_proxy}); NULL for an address
   * without code.
   */
  public static class GetTokenMeta extends Networked {
    public GetTokenMeta() {
      super("GET_TOKEN_META");
    }

    public String eval(String node, String address, String bytecode) {
      if (node == null || address == null || bytecode == null || bytecode.length() <= 2) {
        return null;
      }
      JsonRpc rpc = client(node);
      try {
        return TokenMetaReader.read(
                new TokenMetaReader.Node() {
                  @Override
                  public String call(String to, String data) throws IOException {
                    try {
                      return rpc.call("eth_call", List.of(Map.of("to", to, "data", data), "latest"))
                          .asText();
                    } catch (JsonRpc.RpcError reverted) {
                      return null;
                    }
                  }

                  @Override
                  public String storageAt(String a, String slot) throws IOException {
                    return rpc.call("eth_getStorageAt", List.of(a, slot, "latest")).asText();
                  }
                },
                address)
            .toJson();
      } catch (IOException | RuntimeException e) {
        return failures.nullRow();
      }
    }
  }

  /** {@code Eth_Call(node, to, data[, block])}: the call's return data as hex. */
  public static class EthCall extends Networked {
    public EthCall() {
      super("Eth_Call");
    }

    public String eval(String node, String to, String data) {
      return call(node, to, data, "latest");
    }

    public String eval(String node, String to, String data, Long block) {
      return call(node, to, data, block == null ? "latest" : "0x" + Long.toHexString(block));
    }

    private String call(String node, String to, String data, String tag) {
      if (node == null || to == null || data == null) {
        return null;
      }
      try {
        return client(node).call("eth_call", List.of(Map.of("to", to, "data", data), tag)).asText();
      } catch (IOException | RuntimeException e) {
        return failures.nullRow();
      }
    }
  }

  /** {@code RpcRequest(node, method, paramsJson)}: the answer's {@code result} as JSON text. */
  public static class RpcRequest extends Networked {
    public RpcRequest() {
      super("RpcRequest");
    }

    public String eval(String node, String method, String paramsJson) {
      if (node == null || method == null) {
        return null;
      }
      try {
        List<Object> params = new ArrayList<>();
        if (paramsJson != null && !paramsJson.isBlank()) {
          JsonNode p = JSON.readTree(paramsJson);
          if (p.isArray()) {
            p.forEach(params::add);
          } else {
            params.add(p);
          }
        }
        JsonNode result = client(node).call(method, params);
        return result.isTextual() ? result.asText() : result.toString();
      } catch (IOException | RuntimeException e) {
        return failures.nullRow();
      }
    }
  }
}
