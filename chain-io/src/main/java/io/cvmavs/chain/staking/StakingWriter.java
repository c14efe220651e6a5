package io.cvmavs.chain.staking;

import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Transactions to {@code CStaking} and ERC-20 tokens (approve; mint where the sender may). */
public record StakingWriter(Transactor tx, String cStaking) {

  public TransactionReceipt setConsensusKey(byte[] consensusKey) {
    return tx.invoke(cStaking, "CStaking", "setConsensusKey(bytes32)", new Bytes32(consensusKey));
  }

  public TransactionReceipt stake(String operator, BigInteger amount) {
    return tx.invoke(
        cStaking, "CStaking", "stake(address,uint256)", new Address(operator), new Uint256(amount));
  }

  /** {@code unstake(operator, shares)}: starts the withdrawal of {@code shares}. */
  public TransactionReceipt unstake(String operator, BigInteger shares) {
    return tx.invoke(
        cStaking,
        "CStaking",
        "unstake(address,uint256)",
        new Address(operator),
        new Uint256(shares));
  }

  /** Owner only: {@code setSlasher(slasher)}. */
  public TransactionReceipt setSlasher(String slasher) {
    return tx.invoke(cStaking, "CStaking", "setSlasher(address)", new Address(slasher));
  }

  /** The slasher only: {@code slash(operator, wad)}. */
  public TransactionReceipt slash(String operator, BigInteger wad) {
    return tx.invoke(
        cStaking, "CStaking", "slash(address,uint256)", new Address(operator), new Uint256(wad));
  }

  public TransactionReceipt approve(String token, String spender, BigInteger amount) {
    return tx.invoke(
        token, "ERC20", "approve(address,uint256)", new Address(spender), new Uint256(amount));
  }

  /** Devnet only: {@code DevnetToken.mint} (owner) or {@code CToken.mint} (minter role). */
  public TransactionReceipt mint(String token, String to, BigInteger amount) {
    return tx.invoke(token, "token", "mint(address,uint256)", new Address(to), new Uint256(amount));
  }
}
