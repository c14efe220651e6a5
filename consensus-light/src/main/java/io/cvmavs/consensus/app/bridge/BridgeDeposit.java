package io.cvmavs.consensus.app.bridge;

import io.cvmavs.consensus.app.model.AppException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One {@code CBridge.Deposited(nonce, sender, cvmRecipient, amount)} event as the CVM chain credits
 * it: the event's fields plus where it is on Ethereum (block, transaction), so validators compare
 * exactly the same log.
 *
 * @param sender 20 bytes
 * @param recipient the CVM account, 32 bytes
 * @param amount uint256, &gt; 0
 * @param txHash 32 bytes
 */
public record BridgeDeposit(
    long nonce, byte[] sender, byte[] recipient, BigInteger amount, long ethBlock, byte[] txHash) {
  public BridgeDeposit {
    if (nonce < 0 || ethBlock < 0) {
      throw new AppException("deposit nonce and block must be >= 0");
    }
    if (sender.length != 20 || recipient.length != 32 || txHash.length != 32) {
      throw new AppException("deposit sender 20, recipient 32, tx hash 32 bytes");
    }
    if (amount.signum() <= 0 || amount.bitLength() > 256) {
      throw new AppException("deposit amount " + amount + " is not a uint256 > 0");
    }
    sender = sender.clone();
    recipient = recipient.clone();
    txHash = txHash.clone();
  }

  @Override
  public byte[] sender() {
    return sender.clone();
  }

  @Override
  public byte[] recipient() {
    return recipient.clone();
  }

  @Override
  public byte[] txHash() {
    return txHash.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BridgeDeposit d
        && d.nonce == nonce
        && d.ethBlock == ethBlock
        && d.amount.equals(amount)
        && Arrays.equals(d.sender, sender)
        && Arrays.equals(d.recipient, recipient)
        && Arrays.equals(d.txHash, txHash);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nonce) * 31 + amount.hashCode();
  }

  @Override
  public String toString() {
    HexFormat h = HexFormat.of();
    return "deposit "
        + nonce
        + " {sender 0x"
        + h.formatHex(sender)
        + ", recipient 0x"
        + h.formatHex(recipient)
        + ", amount "
        + amount
        + ", block "
        + ethBlock
        + ", tx 0x"
        + h.formatHex(txHash)
        + "}";
  }
}
