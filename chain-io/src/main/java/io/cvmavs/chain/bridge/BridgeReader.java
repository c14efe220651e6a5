package io.cvmavs.chain.bridge;

import io.cvmavs.chain.ChainException;
import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Events;
import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.LogScanner;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Views and logs of {@code CBridge} (and the one {@code CvmCheckpoints} log a claim needs):
 * deposits by nonce, claimed nonces, the token and the limits.
 */
public record BridgeReader(RpcClient rpc, String bridge) {

  public BridgeReader(Transactor tx, String bridge) {
    this(tx.reader(), bridge);
  }

  public String address() {
    return bridge;
  }

  /** The chain's head block number now ({@code eth_blockNumber}). */
  public long head() {
    return rpc.blockNumber();
  }

  /** The number of deposits ever made (the next deposit's nonce). */
  public long depositCount() {
    return words(BridgeAbi.DEPOSIT_COUNT).uint(0).longValueExact();
  }

  public boolean isClaimed(long nonce) {
    return words(BridgeAbi.IS_CLAIMED, new Uint64(nonce)).uint(0).signum() != 0;
  }

  public boolean paused() {
    return words(BridgeAbi.PAUSED).uint(0).signum() != 0;
  }

  /** The `$C` token the bridge locks. */
  public String token() {
    return words(BridgeAbi.TOKEN).address(0);
  }

  public BigInteger withdrawalLimit() {
    return words(BridgeAbi.WITHDRAWAL_LIMIT).uint(0);
  }

  public BigInteger withdrawnInCurrentPeriod() {
    return words(BridgeAbi.WITHDRAWN_IN_CURRENT_PERIOD).uint(0);
  }

  /** The bridge's locked `$C`: its token balance. */
  public BigInteger locked() {
    return new Words(
            rpc.call(
                token(),
                Abi.call(
                    "balanceOf(address)", List.of(new org.web3j.abi.datatypes.Address(bridge))),
                "ERC20.balanceOf"),
            "ERC20.balanceOf")
        .uint(0);
  }

  /** {@code Deposited} logs in blocks {@code fromBlock..toBlock}, in log order. */
  public List<DepositEvent> deposits(long fromBlock, long toBlock) {
    List<DepositEvent> out = new ArrayList<>();
    LogScanner.Query q = LogScanner.Query.of("Deposited", bridge, Events.DEPOSITED.topic());
    for (Log log : rpc.logs().logs(q, fromBlock, toBlock)) {
      Map<String, Object> v = Events.DEPOSITED.decode(log);
      out.add(
          new DepositEvent(
              ((BigInteger) v.get("nonce")).longValueExact(),
              ((String) v.get("sender")).toLowerCase(Locale.ROOT),
              Numbers.bytes((String) v.get("cvmRecipient")),
              (BigInteger) v.get("amount"),
              log.getBlockNumber().longValueExact(),
              log.getTransactionHash()));
    }
    return out;
  }

  /** The {@code WithdrawalClaimed} log of {@code nonce}, if it was claimed in the range. */
  public Optional<Log> claim(long nonce, long fromBlock, long toBlock) {
    LogScanner.Query q =
        LogScanner.Query.of("WithdrawalClaimed", bridge, Events.WITHDRAWAL_CLAIMED.topic())
            .andTopic(String.format("0x%064x", nonce));
    return rpc.logs().first(q, fromBlock, toBlock);
  }

  /**
   * The index {@code CvmCheckpoints} gave the checkpoint of {@code height} (what a claim passes),
   * from its {@code CheckpointAccepted} log.
   *
   * @throws ChainException when no checkpoint of that height was accepted in the range
   */
  public static long checkpointIndex(
      RpcClient rpc, String checkpoints, long height, long fromBlock, long toBlock) {
    LogScanner.Query q =
        LogScanner.Query.of("CheckpointAccepted", checkpoints, Events.CHECKPOINT_ACCEPTED.topic())
            .andAnyTopic()
            .andTopic(String.format("0x%064x", height));
    Log log =
        rpc.logs()
            .first(q, fromBlock, toBlock)
            .orElseThrow(
                () ->
                    new ChainException(
                        "CvmCheckpoints "
                            + checkpoints
                            + ": no checkpoint of CVM height "
                            + height
                            + " accepted in blocks "
                            + fromBlock
                            + "-"
                            + toBlock));
    return ((BigInteger) Events.CHECKPOINT_ACCEPTED.decode(log).get("index")).longValueExact();
  }

  private Words words(String signature, Type<?>... params) {
    return new Words(
        rpc.call(bridge, Abi.call(signature, List.of(params)), "CBridge." + signature),
        "CBridge." + signature);
  }
}
