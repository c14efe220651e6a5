package io.cvmavs.operator.relayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.consensus.rpc.RpcException;
import io.cvmavs.consensus.rpc.RpcTypes;
import io.cvmavs.crypto.bn254.G1Point;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@link CvmChain} over a CVM chain node's CometBFT RPC (consensus-light's {@link CometRpcClient}):
 * {@code status}, {@code abci_query /certificate/<h>} and {@code /validators/bls}. Every failure is
 * a {@link RelayerException.CvmRpc} naming the call and the node; the relayer's loop retries.
 */
public final class CometCvmChain implements CvmChain, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CometRpcClient rpc;
  private final URI uri;

  public CometCvmChain(CometRpcClient rpc, URI uri) {
    this.rpc = rpc;
    this.uri = uri;
  }

  public static CometCvmChain connect(URI uri, java.time.Duration timeout) {
    return new CometCvmChain(new CometRpcClient(uri, timeout), uri);
  }

  @Override
  public String chainId() {
    try {
      return rpc.status().network();
    } catch (RpcException e) {
      throw failed("status", e);
    }
  }

  @Override
  public long latestHeight() {
    try {
      return rpc.status().latestBlockHeight();
    } catch (RpcException e) {
      throw failed("status", e);
    }
  }

  @Override
  public Optional<RelayCertificate> certificate(long h) {
    RpcTypes.Query q = query("/certificate/" + h);
    if (q.code() != 0) {
      if (q.log().contains("no certificate of height")) {
        return Optional.empty();
      }
      throw new RelayerException.CvmRpc(
          "CVM chain " + uri + ": abci_query /certificate/" + h + " failed: " + q.log(), null);
    }
    return Optional.of(RelayCertificate.parse(json(q, "/certificate/" + h, h), h));
  }

  @Override
  public List<List<ValidatorEntry>> blsSets() {
    RpcTypes.Query q = query("/validators/bls");
    if (q.code() != 0) {
      throw new RelayerException.CvmRpc(
          "CVM chain " + uri + ": abci_query /validators/bls failed: " + q.log(), null);
    }
    JsonNode o = json(q, "/validators/bls", -1);
    List<List<ValidatorEntry>> sets = new ArrayList<>();
    for (String field : List.of("validators", "next_validators")) {
      List<ValidatorEntry> set = new ArrayList<>();
      for (JsonNode v : o.path(field)) {
        try {
          String g1 = v.path("g1").asText();
          set.add(
              new ValidatorEntry(
                  G1Point.fromBytes(HexFormat.of().parseHex(g1.substring(2))),
                  BigInteger.valueOf(v.path("power").asLong())));
        } catch (RuntimeException e) {
          throw new RelayerException.CvmRpc(
              "CVM chain " + uri + ": /validators/bls " + field + " entry is malformed: " + v, e);
        }
      }
      sets.add(set);
    }
    return sets;
  }

  @Override
  public Optional<JsonNode> misbehaviour(long from, long checkpointHeight) {
    String path = "/misbehaviour/" + from + "/" + checkpointHeight;
    RpcTypes.Query q = query(path);
    if (q.code() != 0) {
      if (q.log().contains("holds no misbehaviour")) {
        return Optional.empty();
      }
      throw new RelayerException.CvmRpc(
          "CVM chain " + uri + ": abci_query " + path + " failed: " + q.log(), null);
    }
    return Optional.of(json(q, path, -1));
  }

  private RpcTypes.Query query(String path) {
    try {
      return rpc.abciQuery(path, new byte[0], 0, false);
    } catch (RpcException e) {
      throw failed("abci_query " + path, e);
    }
  }

  private JsonNode json(RpcTypes.Query q, String path, long height) {
    try {
      return JSON.readTree(q.value());
    } catch (IOException e) {
      String why = "abci_query " + path + " answered no JSON: " + e.getMessage();
      if (height >= 0) {
        throw new RelayerException.Refused(height, why);
      }
      throw new RelayerException.CvmRpc("CVM chain " + uri + ": " + why, e);
    }
  }

  private RelayerException.CvmRpc failed(String call, RpcException e) {
    return new RelayerException.CvmRpc(
        "CVM chain " + uri + ": " + call + " failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    rpc.close();
  }
}
