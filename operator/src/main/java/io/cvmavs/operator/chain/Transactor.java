package io.cvmavs.operator.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Calls and transactions of one account over JSON-RPC. Each transaction is estimated first (a
 * would-be revert is refused with the node's reason before anything is sent), signed locally, sent,
 * and waited for; sends are serialised so nonces stay in order. A mined revert is a {@link
 * ChainException.Reverted}.
 */
public final class Transactor {
  private final Web3j web3j;
  private final Credentials credentials;
  private final long chainId;
  private final Duration receiptTimeout;
  private final Duration pollInterval;

  public Transactor(
      Web3j web3j,
      Credentials credentials,
      long chainId,
      Duration receiptTimeout,
      Duration pollInterval) {
    this.web3j = web3j;
    this.credentials = credentials;
    this.chainId = chainId;
    this.receiptTimeout = receiptTimeout;
    this.pollInterval = pollInterval;
  }

  public static Transactor of(Web3j web3j, Credentials credentials, long chainId) {
    return new Transactor(
        web3j, credentials, chainId, Duration.ofSeconds(120), Duration.ofMillis(100));
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  /** The sender, 0x-prefixed lower case. */
  public String address() {
    return credentials.getAddress();
  }

  /** {@code eth_call} at the latest block. */
  public String call(String to, String data, String what) {
    return call(to, data, DefaultBlockParameterName.LATEST, what);
  }

  public String call(String to, String data, DefaultBlockParameter block, String what) {
    EthCall r =
        rpc(
            () ->
                web3j
                    .ethCall(Transaction.createEthCallTransaction(address(), to, data), block)
                    .send(),
            what);
    if (r.hasError() || r.isReverted()) {
      throw new ChainException.Reverted(
          what + " reverted: " + (r.hasError() ? errorText(r.getError()) : r.getRevertReason()),
          false);
    }
    return r.getValue();
  }

  /** Sends a transaction with no value and waits for its receipt. */
  public TransactionReceipt send(String to, String data, String what) {
    return send(to, data, BigInteger.ZERO, what);
  }

  public synchronized TransactionReceipt send(
      String to, String data, BigInteger value, String what) {
    EthEstimateGas estimate =
        rpc(
            () ->
                web3j
                    .ethEstimateGas(
                        Transaction.createFunctionCallTransaction(
                            address(), null, null, null, to, value, data))
                    .send(),
            what);
    if (estimate.hasError()) {
      throw new ChainException.Reverted(
          what + " would revert: " + errorText(estimate.getError()), false);
    }
    BigInteger gasLimit =
        estimate
            .getAmountUsed()
            .multiply(BigInteger.valueOf(12))
            .divide(BigInteger.TEN)
            .add(BigInteger.valueOf(20_000));
    BigInteger nonce =
        rpc(
                () ->
                    web3j
                        .ethGetTransactionCount(address(), DefaultBlockParameterName.PENDING)
                        .send(),
                what)
            .getTransactionCount();
    BigInteger gasPrice = rpc(() -> web3j.ethGasPrice().send(), what).getGasPrice();
    gasPrice = gasPrice.add(gasPrice.shiftRight(2)).add(BigInteger.ONE);
    RawTransaction tx =
        RawTransaction.createTransaction(nonce, gasPrice, gasLimit, to, value, data);
    String signed = Numbers.hex(TransactionEncoder.signMessage(tx, chainId, credentials));
    EthSendTransaction sent = rpc(() -> web3j.ethSendRawTransaction(signed).send(), what);
    if (sent.hasError()) {
      throw new ChainException(what + ": transaction refused: " + errorText(sent.getError()));
    }
    TransactionReceipt receipt = awaitReceipt(sent.getTransactionHash(), what);
    if (!receipt.isStatusOK()) {
      throw new ChainException.Reverted(
          what
              + " reverted in transaction "
              + receipt.getTransactionHash()
              + Optional.ofNullable(receipt.getRevertReason()).map(r -> ": " + r).orElse(""),
          true);
    }
    return receipt;
  }

  private TransactionReceipt awaitReceipt(String hash, String what) {
    long deadline = System.nanoTime() + receiptTimeout.toNanos();
    while (true) {
      Optional<TransactionReceipt> r =
          rpc(() -> web3j.ethGetTransactionReceipt(hash).send(), what).getTransactionReceipt();
      if (r.isPresent()) {
        return r.get();
      }
      if (System.nanoTime() > deadline) {
        throw new ChainException(
            what + ": no receipt for transaction " + hash + " after " + receiptTimeout);
      }
      try {
        Thread.sleep(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChainException(what + ": interrupted while waiting for " + hash, e);
      }
    }
  }

  static String errorText(Response.Error e) {
    return e.getMessage() + (e.getData() == null ? "" : " (data " + e.getData() + ")");
  }

  /**
   * Runs one JSON-RPC request; an I/O failure becomes a {@link ChainException} naming {@code what}.
   */
  public static <T extends Response<?>> T rpcCall(RpcCall<T> call, String what) {
    return rpc(call, what);
  }

  /** One JSON-RPC request. */
  public interface RpcCall<T> {
    T send() throws IOException;
  }

  static <T extends Response<?>> T rpc(RpcCall<T> call, String what) {
    try {
      return call.send();
    } catch (IOException e) {
      throw new ChainException(what + ": JSON-RPC request failed: " + e.getMessage(), e);
    }
  }
}
