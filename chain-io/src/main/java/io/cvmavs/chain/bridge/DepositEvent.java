package io.cvmavs.chain.bridge;

import java.math.BigInteger;

/**
 * One {@code CBridge.Deposited(nonce, sender, cvmRecipient, amount)} log with where it is.
 *
 * @param sender lower-case 0x address
 * @param cvmRecipient the CVM account word, 32 bytes
 * @param txHash 0x transaction hash
 */
public record DepositEvent(
    long nonce,
    String sender,
    byte[] cvmRecipient,
    BigInteger amount,
    long blockNumber,
    String txHash) {
  public DepositEvent {
    cvmRecipient = cvmRecipient.clone();
  }

  @Override
  public byte[] cvmRecipient() {
    return cvmRecipient.clone();
  }
}
