package io.cvmavs.consensus.app.state;

import java.math.BigInteger;

/**
 * A CVM account's bridged {@code $C}: its balance (uint256) and the sequence its next withdrawal
 * must carry.
 */
public record Account(BigInteger balance, long sequence) {
  public static final Account EMPTY = new Account(BigInteger.ZERO, 0);

  public Account {
    if (balance.signum() < 0 || sequence < 0) {
      throw new IllegalArgumentException("account balance and sequence must be >= 0");
    }
  }
}
