package io.cvmavs.chain.bridge;

/**
 * {@code CBridge}'s signatures (contracts/src/bridge/ICBridge.sol), checked against forge's
 * artifacts by {@code EventsTest}.
 */
public final class BridgeAbi {
  public static final String DEPOSIT = "deposit(bytes32,uint256)";
  public static final String CLAIM_WITHDRAWAL =
      "claimWithdrawal(uint64,"
          + CheckpointsAbi.CHECKPOINT_TUPLE
          + ",uint64,address,uint256,bytes32[])";
  public static final String IS_CLAIMED = "isClaimed(uint64)";
  public static final String DEPOSIT_COUNT = "depositCount()";
  public static final String TOKEN = "token()";
  public static final String PAUSED = "paused()";
  public static final String WITHDRAWAL_LIMIT = "withdrawalLimit()";
  public static final String WITHDRAWN_IN_CURRENT_PERIOD = "withdrawnInCurrentPeriod()";
  public static final String IS_ACCEPTED =
      "isAccepted(uint64," + CheckpointsAbi.CHECKPOINT_TUPLE + ")";

  private BridgeAbi() {}
}
