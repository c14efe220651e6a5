package io.cvmavs.chain.rpc;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/**
 * Keyless JSON-RPC access for every reader: {@code eth_call} (at the latest or a given block), the
 * head, and {@code eth_getLogs} through one {@link LogScanner}. Reading never needs a key ({@link
 * ChainAccess#read}); a {@link Transactor} hands its readers one that names its account as {@code
 * from} ({@link Transactor#reader()}), so a view that looks at {@code msg.sender} sees the sender.
 */
public final class RpcClient {
  private final Web3j web3j;
  private final long chainId;
  private final Optional<String> from;
  private final LogScanner logs;

  public RpcClient(Web3j web3j, long chainId) {
    this(web3j, chainId, Optional.empty(), new LogScanner(web3j));
  }

  RpcClient(Web3j web3j, long chainId, Optional<String> from, LogScanner logs) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.from = from;
    this.logs = logs;
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  /** The one scanner of this connection: bounded {@code eth_getLogs} ranges. */
  public LogScanner logs() {
    return logs;
  }

  public long blockNumber() {
    return logs.head();
  }

  /**
   * The number of the block tagged {@code finalized} ({@code eth_getBlockByNumber("finalized")}):
   * what the chain's consensus no longer reverts (post-merge Ethereum: two epochs behind the head).
   *
   * @throws ChainException when the node does not answer or knows no finalized block (a pre-merge
   *     node or a client without the tag)
   */
  public long finalizedBlockNumber() {
    var answer =
        Transactor.rpc(
            () -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.FINALIZED, false).send(),
            "eth_getBlockByNumber of the finalized tag");
    if (answer.hasError()) {
      throw new ChainException(
          "eth_getBlockByNumber of the finalized tag: the node answered error "
              + answer.getError().getCode()
              + ": "
              + answer.getError().getMessage());
    }
    var block = answer.getBlock();
    if (block == null || block.getNumberRaw() == null) {
      throw new ChainException(
          "eth_getBlockByNumber of the finalized tag: the node knows no finalized block (a pre-merge node,"
              + " or a client without the 'finalized' tag)");
    }
    return block.getNumber().longValueExact();
  }

  /**
   * {@code eth_call} of {@code signature(params)} at the latest block, its return data decoded as
   * one value of {@code out}'s type; {@code signature} names the call in errors.
   */
  @SuppressWarnings("unchecked")
  public <T extends Type<?>> T view(
      String to, String signature, TypeReference<T> out, Type<?>... params) {
    return (T)
        Abi.decode(call(to, Abi.call(signature, List.of(params)), signature), signature, out)
            .get(0);
  }

  /**
   * The code at {@code address} at the latest block ({@code eth_getCode}), {@code 0x} when none.
   */
  public String code(String address) {
    return Transactor.rpc(
            () -> web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send(),
            "eth_getCode " + address)
        .getCode();
  }

  /** {@code eth_call} at the latest block. */
  public String call(String to, String data, String what) {
    return call(to, data, DefaultBlockParameterName.LATEST, what);
  }

  /** {@code eth_call} at {@code block}; a revert is a {@link ChainException.Reverted}. */
  public String call(String to, String data, DefaultBlockParameter block, String what) {
    EthCall r =
        Transactor.rpc(
            () ->
                web3j
                    .ethCall(
                        Transaction.createEthCallTransaction(from.orElse(null), to, data), block)
                    .send(),
            what);
    if (r.hasError() || r.isReverted()) {
      throw new ChainException.Reverted(
          what
              + " reverted: "
              + (r.hasError() ? Transactor.errorText(r.getError()) : r.getRevertReason()),
          false);
    }
    return r.getValue();
  }
}
