package io.cvmavs.chain.rpc;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Numbers;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Calls and transactions of one account over JSON-RPC. Each transaction is estimated first (a
 * would-be revert is refused with the node's reason before anything is sent), signed locally, sent,
 * and waited for; sends are serialised so nonces stay in order. A mined revert is a {@link
 * ChainException.Reverted}.
 *
 * <p>Nonces: sends are serialised and each waits for its receipt, so the node's pending count is
 * the next nonce; the local record only detects a transaction that left the pool unmined (its nonce
 * is reused). A transaction still without a receipt at the deadline is a {@link
 * ChainException.Pending}: the caller must not repeat the action while {@link #hasPending()}. Fees:
 * a transaction with no receipt after {@link FeePolicy#bumpAfter()} is sent again with the same
 * nonce and a gas price raised by {@link FeePolicy#bumpPercent()} (at most {@link
 * FeePolicy#maxBumps()} times, never above {@link FeePolicy#maxGasPrice()}); whichever of the
 * versions is mined is the result.
 */
public final class Transactor {
  private static final Logger LOG = LoggerFactory.getLogger(Transactor.class);

  /** When and how much to raise the gas price of a transaction that is not being mined. */
  public record FeePolicy(
      Duration bumpAfter, int maxBumps, int bumpPercent, BigInteger maxGasPrice) {
    public FeePolicy {
      if (bumpPercent < 10) {
        // Ethereum nodes refuse a replacement that pays less than 10 % more.
        throw new IllegalArgumentException("bumpPercent must be >= 10, got " + bumpPercent);
      }
      if (maxBumps < 0 || bumpAfter.isNegative() || bumpAfter.isZero()) {
        throw new IllegalArgumentException("maxBumps >= 0 and a positive bumpAfter are required");
      }
    }

    /** 15 s, up to 5 bumps of 25 %, at most 500 gwei. */
    public static FeePolicy defaults() {
      return new FeePolicy(Duration.ofSeconds(15), 5, 25, BigInteger.valueOf(500_000_000_000L));
    }
  }

  private final Web3j web3j;
  private final Credentials credentials;
  private final long chainId;
  private final Duration receiptTimeout;
  private final Duration pollInterval;
  private final FeePolicy fees;
  private final RpcClient reader;
  private BigInteger nextNonce;
  private final java.util.concurrent.atomic.AtomicLong bumps =
      new java.util.concurrent.atomic.AtomicLong();

  public Transactor(
      Web3j web3j,
      Credentials credentials,
      long chainId,
      Duration receiptTimeout,
      Duration pollInterval) {
    this(web3j, credentials, chainId, receiptTimeout, pollInterval, FeePolicy.defaults());
  }

  public Transactor(
      Web3j web3j,
      Credentials credentials,
      long chainId,
      Duration receiptTimeout,
      Duration pollInterval,
      FeePolicy fees) {
    this.web3j = web3j;
    this.credentials = credentials;
    this.chainId = chainId;
    this.receiptTimeout = receiptTimeout;
    this.pollInterval = pollInterval;
    this.fees = fees;
    this.reader =
        new RpcClient(web3j, chainId, Optional.of(credentials.getAddress()), new LogScanner(web3j));
  }

  /**
   * True when the node's pending transaction count of this account is above its mined count: a
   * transaction of ours is still in the pool.
   */
  public boolean hasPending() {
    return transactionCount(DefaultBlockParameterName.PENDING, "eth_getTransactionCount pending")
            .compareTo(
                transactionCount(
                    DefaultBlockParameterName.LATEST, "eth_getTransactionCount latest"))
        > 0;
  }

  private BigInteger transactionCount(DefaultBlockParameterName block, String what) {
    return rpc(() -> web3j.ethGetTransactionCount(address(), block).send(), what)
        .getTransactionCount();
  }

  /** Replacement transactions sent so far (fee bumps). */
  public long feeBumps() {
    return bumps.get();
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

  /**
   * Keyless reads over this connection, with this account as {@code eth_call}'s {@code from}: what
   * every reader takes.
   */
  public RpcClient reader() {
    return reader;
  }

  /** {@code eth_call} at the latest block. */
  public String call(String to, String data, String what) {
    return reader.call(to, data, what);
  }

  public String call(String to, String data, DefaultBlockParameter block, String what) {
    return reader.call(to, data, block, what);
  }

  /**
   * Sends {@code signature(args)} to {@code to} with no value and waits for its receipt; errors
   * name it {@code contract.function} ({@code CStaking.stake}).
   */
  public TransactionReceipt invoke(String to, String contract, String signature, Type<?>... args) {
    return send(
        to,
        Abi.call(signature, List.of(args)),
        contract + "." + signature.substring(0, signature.indexOf('(')));
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
    BigInteger nonce = nonce(what);
    Fees price = fees(what);
    List<String> hashes = new ArrayList<>();
    hashes.add(sendSigned(nonce, price, gasLimit, to, value, data, what, true));
    nextNonce = nonce.add(BigInteger.ONE);
    long deadline = System.nanoTime() + receiptTimeout.toNanos();
    long nextBump = System.nanoTime() + fees.bumpAfter().toNanos();
    int bumped = 0;
    TransactionReceipt receipt;
    while (true) {
      Optional<TransactionReceipt> r;
      try {
        r = anyReceipt(hashes, what);
      } catch (ChainException transientRpcFailure) {
        // The transaction is out there: a failed poll must not end the wait (the caller would send
        // the same action again).
        LOG.warn(
            "{}: polling for the receipt failed ({}); still waiting",
            what,
            transientRpcFailure.getMessage());
        r = Optional.empty();
      }
      if (r.isPresent()) {
        receipt = r.get();
        break;
      }
      long now = System.nanoTime();
      if (now > deadline) {
        nextNonce = null; // re-read from the node: the transaction may yet be dropped
        throw new ChainException.Pending(
            what
                + ": no receipt for transaction(s) "
                + hashes
                + " after "
                + receiptTimeout
                + "; it may still be mined",
            hashes);
      }
      if (now > nextBump && bumped < fees.maxBumps()) {
        Fees raised = price.raisedBy(fees.bumpPercent());
        if (fees.maxGasPrice() == null || raised.maxFee().compareTo(fees.maxGasPrice()) <= 0) {
          price = raised;
          bumped++;
          bumps.incrementAndGet();
          String replacement = sendSigned(nonce, price, gasLimit, to, value, data, what, false);
          if (replacement != null) {
            hashes.add(replacement);
            LOG.info(
                "{}: not mined after {}; re-sent with nonce {} at {} ({})",
                what,
                fees.bumpAfter(),
                nonce,
                price,
                replacement);
          }
        }
        nextBump = now + fees.bumpAfter().toNanos();
      }
      sleep(what);
    }
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

  /**
   * What a transaction offers to pay per gas. EIP-1559 ({@code tip} set): it pays the block's base
   * fee plus {@code tip}, at most {@code maxFee}. Legacy ({@code tip} null): {@code maxFee} is the
   * gas price.
   */
  record Fees(BigInteger maxFee, BigInteger tip) {
    Fees raisedBy(int percent) {
      return new Fees(raise(maxFee, percent), tip == null ? null : raise(tip, percent));
    }

    private static BigInteger raise(BigInteger v, int percent) {
      return v.multiply(BigInteger.valueOf(100L + percent))
          .divide(BigInteger.valueOf(100))
          .add(BigInteger.ONE);
    }

    @Override
    public String toString() {
      return tip == null
          ? "gas price " + maxFee + " wei"
          : "max fee " + maxFee + " wei, tip " + tip + " wei";
    }
  }

  /**
   * EIP-1559 where the chain has a base fee: max fee = 2 × base fee + tip, with the node's
   * suggested tip. The amount paid follows the base fee, so prices do not feed on each other (a
   * premium over {@code eth_gasPrice}, which nodes derive from recent prices, grows without bound
   * on a chain where only this program sends: seen on anvil as 7.6M gwei after 60 transactions).
   * Chains without a base fee: {@code eth_gasPrice}.
   */
  private Fees fees(String what) {
    org.web3j.protocol.core.methods.response.EthBlock.Block latest =
        rpc(() -> web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send(), what)
            .getBlock();
    String baseFeeHex = latest == null ? null : latest.getBaseFeePerGasRaw();
    if (baseFeeHex == null) {
      return new Fees(rpc(() -> web3j.ethGasPrice().send(), what).getGasPrice(), null);
    }
    BigInteger baseFee = org.web3j.utils.Numeric.decodeQuantity(baseFeeHex);
    BigInteger tip;
    try {
      var suggested = web3j.ethMaxPriorityFeePerGas().send();
      tip = suggested.hasError() ? DEFAULT_TIP : suggested.getMaxPriorityFeePerGas();
    } catch (IOException | RuntimeException e) {
      tip = DEFAULT_TIP;
    }
    if (fees.maxGasPrice() != null && tip.compareTo(fees.maxGasPrice()) > 0) {
      tip = fees.maxGasPrice();
    }
    return new Fees(baseFee.shiftLeft(1).add(tip), tip);
  }

  private static final BigInteger DEFAULT_TIP = BigInteger.valueOf(1_000_000_000L);

  /** The nonce for the next transaction: ours, or the node's pending count if that is ahead. */
  private BigInteger nonce(String what) {
    BigInteger pending = transactionCount(DefaultBlockParameterName.PENDING, what);
    if (nextNonce != null && pending.compareTo(nextNonce) < 0) {
      // Our last transaction left the pool without being mined: reuse its nonce, or every later
      // transaction would wait behind the gap.
      LOG.warn(
          "{}: the node's pending nonce {} is below the next local nonce {}; using the node's",
          what,
          pending,
          nextNonce);
    }
    return pending;
  }

  /**
   * Signs and sends one version of a transaction; returns its hash. A refused replacement (already
   * mined, "underpriced", "nonce too low") returns null: the earlier version is still the one to
   * wait for. A refused first version is an error; "nonce too low" resets the local nonce first.
   */
  private String sendSigned(
      BigInteger nonce,
      Fees price,
      BigInteger gasLimit,
      String to,
      BigInteger value,
      String data,
      String what,
      boolean first) {
    String signed;
    if (price.tip() == null) {
      RawTransaction tx =
          RawTransaction.createTransaction(nonce, price.maxFee(), gasLimit, to, value, data);
      signed = Numbers.hex(TransactionEncoder.signMessage(tx, chainId, credentials));
    } else {
      RawTransaction tx =
          RawTransaction.createTransaction(
              chainId, nonce, gasLimit, to, value, data, price.tip(), price.maxFee());
      signed = Numbers.hex(TransactionEncoder.signMessage(tx, credentials));
    }
    EthSendTransaction sent = rpc(() -> web3j.ethSendRawTransaction(signed).send(), what);
    if (sent.hasError()) {
      if (!first) {
        LOG.info("{}: replacement not taken: {}", what, errorText(sent.getError()));
        return null;
      }
      if (sent.getError().getMessage() != null
          && sent.getError().getMessage().toLowerCase(java.util.Locale.ROOT).contains("nonce")) {
        nextNonce = null; // re-read from the node next time
      }
      throw new ChainException(what + ": transaction refused: " + errorText(sent.getError()));
    }
    return sent.getTransactionHash();
  }

  private Optional<TransactionReceipt> anyReceipt(List<String> hashes, String what) {
    for (String h : hashes) {
      Optional<TransactionReceipt> r =
          rpc(() -> web3j.ethGetTransactionReceipt(h).send(), what).getTransactionReceipt();
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  private void sleep(String what) {
    try {
      Thread.sleep(pollInterval);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainException(what + ": interrupted while waiting for a receipt", e);
    }
  }

  public static String errorText(Response.Error e) {
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

  public static <T extends Response<?>> T rpc(RpcCall<T> call, String what) {
    try {
      return call.send();
    } catch (IOException e) {
      throw new ChainException(what + ": JSON-RPC request failed: " + e.getMessage(), e);
    }
  }
}
