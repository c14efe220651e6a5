package io.cvmavs.consensus.app.bridge;

import java.util.List;

/**
 * This node's own reading of {@code CBridge.Deposited} on Ethereum. The proposer asks it in
 * PrepareProposal and every validator asks it in ProcessProposal to compare what a proposal
 * credits; it is never asked in FinalizeBlock (module README: outside data enters only through
 * consensus).
 */
@FunctionalInterface
public interface DepositSource {
  /**
   * Deposits with nonce {@code fromNonce}, {@code fromNonce + 1}, … (consecutive, ascending) whose
   * events are in Ethereum blocks at or below {@code finalBlock}, at most {@code max}.
   *
   * @throws RuntimeException when Ethereum cannot be read (the caller treats it as "cannot
   *     confirm")
   */
  List<BridgeDeposit> deposits(long fromNonce, long finalBlock, int max);
}
