package io.cvmavs.chain.staking;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Transactions to {@code CStaking} and ERC-20 tokens (approve; mint where the sender may). */
public final class StakingWriter {
  private final Transactor tx;
  private final String cStaking;

  public StakingWriter(Transactor tx, String cStaking) {
    this.tx = tx;
    this.cStaking = cStaking;
  }

  public TransactionReceipt setConsensusKey(byte[] consensusKey) {
    return tx.send(
        cStaking,
        Abi.call("setConsensusKey(bytes32)", List.of(new Bytes32(consensusKey))),
        "CStaking.setConsensusKey");
  }

  public TransactionReceipt stake(String operator, BigInteger amount) {
    return tx.send(
        cStaking,
        Abi.call("stake(address,uint256)", List.of(new Address(operator), new Uint256(amount))),
        "CStaking.stake");
  }

  /** {@code unstake(operator, shares)}: starts the withdrawal of {@code shares}. */
  public TransactionReceipt unstake(String operator, BigInteger shares) {
    return tx.send(
        cStaking,
        Abi.call("unstake(address,uint256)", List.of(new Address(operator), new Uint256(shares))),
        "CStaking.unstake");
  }

  /** Owner only: {@code setSlasher(slasher)}. */
  public TransactionReceipt setSlasher(String slasher) {
    return tx.send(
        cStaking,
        Abi.call("setSlasher(address)", List.of(new Address(slasher))),
        "CStaking.setSlasher");
  }

  /** The slasher only: {@code slash(operator, wad)}. */
  public TransactionReceipt slash(String operator, BigInteger wad) {
    return tx.send(
        cStaking,
        Abi.call("slash(address,uint256)", List.of(new Address(operator), new Uint256(wad))),
        "CStaking.slash");
  }

  public TransactionReceipt approve(String token, String spender, BigInteger amount) {
    return tx.send(
        token,
        Abi.call("approve(address,uint256)", List.of(new Address(spender), new Uint256(amount))),
        "ERC20.approve");
  }

  /** Devnet only: {@code DevnetToken.mint} (owner) or {@code CToken.mint} (minter role). */
  public TransactionReceipt mint(String token, String to, BigInteger amount) {
    return tx.send(
        token,
        Abi.call("mint(address,uint256)", List.of(new Address(to), new Uint256(amount))),
        "mint");
  }
}
