package io.cvmavs.chain.staking;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.BatchRpc;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The one reader of {@code $C} staking: views of {@code CStaking} and of ERC-20 balances ({@code
 * $C}, the strategy's token), one at a time over an {@link RpcClient}, or as {@link BatchRpc.Call}s
 * pinned to a block for a batch (the stake aggregator reads every operator in one round).
 */
public record StakingReader(RpcClient rpc, String cStaking) {
  public static final String OPERATOR_STAKE = "operatorStake(address)";
  public static final String CONSENSUS_KEY_OF = "consensusKeyOf(address)";

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public StakingReader(Transactor tx, String cStaking) {
    this(tx.reader(), cStaking);
  }

  public BigInteger operatorStake(String operator) {
    return uint(cStaking, OPERATOR_STAKE, new Address(operator));
  }

  public byte[] consensusKeyOf(String operator) {
    return rpc.view(
            cStaking, CONSENSUS_KEY_OF, new TypeReference<Bytes32>() {}, new Address(operator))
        .getValue();
  }

  /** {@code CStaking.operatorStake(operator)} for a batch (decode with {@code Words.uint(0)}). */
  public static BatchRpc.Call operatorStakeCall(String cStaking, String operator) {
    return new BatchRpc.Call("operatorStake", cStaking, operatorCall(OPERATOR_STAKE, operator));
  }

  /**
   * {@code CStaking.consensusKeyOf(operator)} for a batch (decode with {@code Words.bytes32(0)}).
   */
  public static BatchRpc.Call consensusKeyCall(String cStaking, String operator) {
    return new BatchRpc.Call("consensusKeyOf", cStaking, operatorCall(CONSENSUS_KEY_OF, operator));
  }

  private static String operatorCall(String signature, String operator) {
    return Abi.call(signature, List.of(new Address(operator)));
  }

  public BigInteger balanceOf(String token, String account) {
    return uint(token, "balanceOf(address)", new Address(account));
  }

  private BigInteger uint(String to, String sig, Type<?>... params) {
    return rpc.view(to, sig, new TypeReference<Uint256>() {}, params).getValue();
  }
}
