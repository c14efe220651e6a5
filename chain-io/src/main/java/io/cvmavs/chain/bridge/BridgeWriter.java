package io.cvmavs.chain.bridge;

import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions to {@code CBridge} through the one {@link Transactor} (estimated first: a double
 * claim is refused with {@code AlreadyClaimed} before anything is sent).
 */
public record BridgeWriter(Transactor tx, String bridge) {

  /** Approves the bridge for {@code amount} of {@code token}, then deposits it for the account. */
  public TransactionReceipt deposit(String token, byte[] cvmRecipient, BigInteger amount) {
    tx.invoke(token, "ERC20", "approve(address,uint256)", new Address(bridge), new Uint256(amount));
    return tx.invoke(
        bridge, "CBridge", BridgeAbi.DEPOSIT, new Bytes32(cvmRecipient), new Uint256(amount));
  }

  /**
   * {@code claimWithdrawal}: the proof is the siblings bottom up (trailing empty ones may be left
   * out).
   */
  public TransactionReceipt claimWithdrawal(
      long checkpointIndex,
      CheckpointData cp,
      long nonce,
      String recipient,
      BigInteger amount,
      List<byte[]> siblings) {
    return tx.invoke(
        bridge,
        "CBridge",
        BridgeAbi.CLAIM_WITHDRAWAL,
        new Uint64(checkpointIndex),
        new CheckpointsAbi.CheckpointStruct(cp),
        new Uint64(nonce),
        new Address(recipient),
        new Uint256(amount),
        new DynamicArray<>(Bytes32.class, siblings.stream().map(Bytes32::new).toList()));
  }
}
