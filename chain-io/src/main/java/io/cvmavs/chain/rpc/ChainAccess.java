package io.cvmavs.chain.rpc;

import io.cvmavs.chain.ChainException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.http.HttpService;

/**
 * Opens a JSON-RPC connection and checks the chain id: keyless for reading ({@link #read}), for one
 * account to send transactions ({@link #open}).
 */
public final class ChainAccess {
  /** anvil's chain id; devnet conveniences (mining, funding) are refused elsewhere. */
  public static final long DEVNET_CHAIN_ID = 31337;

  /** anvil's (and hardhat's) well-known account 0 — the devnet deployer. Public test key. */
  public static final String DEVNET_DEPLOYER_KEY =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  private ChainAccess() {}

  /** Keyless reads: connects and checks the chain id (no account, nothing can be signed). */
  public static RpcClient read(URI rpcUrl, Optional<Long> expectedChainId) {
    return read(new HttpService(rpcUrl.toString()), expectedChainId);
  }

  /** As {@link #read(URI, Optional)} over {@code service} (e.g. an instrumented one). */
  public static RpcClient read(HttpService service, Optional<Long> expectedChainId) {
    Web3j web3j = Web3j.build(service);
    return new RpcClient(web3j, chainId(web3j, service, expectedChainId));
  }

  public static Transactor open(URI rpcUrl, ECKeyPair key, Optional<Long> expectedChainId) {
    return open(new HttpService(rpcUrl.toString()), key, expectedChainId);
  }

  /** As {@link #open(URI, ECKeyPair, Optional)} over {@code service} (e.g. an instrumented one). */
  public static Transactor open(
      HttpService service, ECKeyPair key, Optional<Long> expectedChainId) {
    Web3j web3j = Web3j.build(service);
    return Transactor.of(web3j, Credentials.create(key), chainId(web3j, service, expectedChainId));
  }

  private static long chainId(Web3j web3j, HttpService service, Optional<Long> expectedChainId) {
    String rpcUrl = RpcUrls.redact(service.getUrl());
    long chainId =
        Transactor.rpc(() -> web3j.ethChainId().send(), "eth_chainId " + rpcUrl)
            .getChainId()
            .longValueExact();
    expectedChainId
        .filter(id -> id != chainId)
        .ifPresent(
            id -> {
              throw new ChainException(
                  rpcUrl + " serves chain " + chainId + " but the configuration says " + id);
            });
    return chainId;
  }

  public static ECKeyPair devnetDeployer() {
    return Credentials.create(DEVNET_DEPLOYER_KEY).getEcKeyPair();
  }

  /** anvil only: mines {@code blocks} blocks ({@code anvil_mine}). */
  public static void anvilMine(URI rpcUrl, long blocks) {
    try {
      Response<?> r =
          new Request<>(
                  "anvil_mine",
                  java.util.List.of("0x" + BigInteger.valueOf(blocks).toString(16)),
                  new HttpService(rpcUrl.toString()),
                  VoidResponse.class)
              .send();
      if (r.hasError()) {
        throw new ChainException("anvil_mine: " + r.getError().getMessage());
      }
    } catch (IOException e) {
      throw new ChainException("anvil_mine failed: " + e.getMessage(), e);
    }
  }

  /** A JSON-RPC response whose result is ignored. */
  public static final class VoidResponse extends Response<Object> {}
}
