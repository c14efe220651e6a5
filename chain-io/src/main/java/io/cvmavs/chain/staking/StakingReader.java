package io.cvmavs.chain.staking;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/** Views of {@code CStaking} and of ERC-20 balances ({@code $C}, the strategy's token). */
public final class StakingReader {
  private final RpcClient rpc;
  private final String cStaking;

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public StakingReader(Transactor tx, String cStaking) {
    this(tx.reader(), cStaking);
  }

  public StakingReader(RpcClient rpc, String cStaking) {
    this.rpc = rpc;
    this.cStaking = cStaking;
  }

  public BigInteger operatorStake(String operator) {
    return uint(cStaking, "operatorStake(address)", new Address(operator));
  }

  public byte[] consensusKeyOf(String operator) {
    String sig = "consensusKeyOf(address)";
    return ((Bytes32)
            Abi.decode(
                    rpc.call(cStaking, Abi.call(sig, List.of(new Address(operator))), sig),
                    sig,
                    new TypeReference<Bytes32>() {})
                .get(0))
        .getValue();
  }

  public BigInteger balanceOf(String token, String account) {
    return uint(token, "balanceOf(address)", new Address(account));
  }

  private BigInteger uint(String to, String sig, Type<?>... params) {
    return ((Uint256)
            Abi.decode(
                    rpc.call(to, Abi.call(sig, List.of(params)), sig),
                    sig,
                    new TypeReference<Uint256>() {})
                .get(0))
        .getValue();
  }
}
