package io.cvmavs.chain.core;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.abi.Words;
import io.cvmavs.chain.rpc.RpcClient;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * Views of EigenLayer's core (DelegationManager, AllocationManager): the same external functions on
 * the devnet stand-ins and on EigenLayer's deployment.
 */
public final class CoreReader {
  private final RpcClient rpc;
  private final String delegationManager;
  private final String allocationManager;

  /** Reads as {@code tx}'s account ({@link Transactor#reader()}). */
  public CoreReader(Transactor tx, String delegationManager, String allocationManager) {
    this(tx.reader(), delegationManager, allocationManager);
  }

  public CoreReader(RpcClient rpc, String delegationManager, String allocationManager) {
    this.rpc = rpc;
    this.delegationManager = delegationManager;
    this.allocationManager = allocationManager;
  }

  /** An allocation of one operator to one operator set in one strategy (magnitudes in WAD). */
  public record Allocation(BigInteger currentMagnitude, BigInteger pendingDiff, long effectBlock) {
    /** The magnitude once the pending change matured. */
    public BigInteger targetMagnitude() {
      return currentMagnitude.add(pendingDiff);
    }
  }

  /** {@code OperatorSet{avs, id}} as an ABI tuple. */
  static StaticStruct operatorSet(String avs, long id) {
    return new StaticStruct(new Address(avs), new Uint32(id));
  }

  public boolean isOperator(String operator) {
    return bool(delegationManager, "isOperator(address)", new Address(operator));
  }

  public BigInteger operatorShares(String operator, String strategy) {
    return uint(
        delegationManager,
        "operatorShares(address,address)",
        new Address(operator),
        new Address(strategy));
  }

  /** {@code getAllocationDelay(operator)}: whether it is set, and the delay in blocks. */
  public java.util.Optional<Long> allocationDelay(String operator) {
    Words w =
        new Words(
            rpc.call(
                allocationManager,
                Abi.call("getAllocationDelay(address)", List.of(new Address(operator))),
                "getAllocationDelay"),
            "getAllocationDelay");
    return w.word(0).signum() == 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(w.word(32).longValueExact());
  }

  public Allocation allocation(String operator, String avs, long operatorSetId, String strategy) {
    Words w =
        new Words(
            rpc.call(
                allocationManager,
                Abi.call(
                    "getAllocation(address,(address,uint32),address)",
                    List.of(
                        new Address(operator),
                        operatorSet(avs, operatorSetId),
                        new Address(strategy))),
                "getAllocation"),
            "getAllocation");
    BigInteger pending = w.word(32);
    if (pending.testBit(255)) {
      pending = pending.subtract(BigInteger.ONE.shiftLeft(256));
    }
    return new Allocation(w.word(0), pending, w.word(64).longValueExact());
  }

  public boolean isMember(String operator, String avs, long operatorSetId) {
    return bool(
        allocationManager,
        "isMemberOfOperatorSet(address,(address,uint32))",
        new Address(operator),
        operatorSet(avs, operatorSetId));
  }

  /**
   * {@code isOperatorSlashable(operator, set)}: a member, or deregistered less than {@code
   * DEALLOCATION_DELAY} blocks ago.
   */
  public boolean isSlashable(String operator, String avs, long operatorSetId) {
    return bool(
        allocationManager,
        "isOperatorSlashable(address,(address,uint32))",
        new Address(operator),
        operatorSet(avs, operatorSetId));
  }

  /** {@code DEALLOCATION_DELAY()}: blocks a deallocation (or a deregistration) stays slashable. */
  public long deallocationDelay() {
    return rpc.view(allocationManager, "DEALLOCATION_DELAY()", new TypeReference<Uint32>() {})
        .getValue()
        .longValueExact();
  }

  public BigInteger maxMagnitude(String operator, String strategy) {
    return uint(
        allocationManager,
        "getMaxMagnitude(address,address)",
        new Address(operator),
        new Address(strategy));
  }

  /** {@code getMinimumSlashableStake(set, [operator], [strategy], block)}: slashable shares. */
  public BigInteger slashableStake(
      String operator, String avs, long operatorSetId, String strategy, long block) {
    String data =
        rpc.call(
            allocationManager,
            Abi.call(
                "getMinimumSlashableStake((address,uint32),address[],address[],uint32)",
                List.of(
                    operatorSet(avs, operatorSetId),
                    new DynamicArray<>(Address.class, List.of(new Address(operator))),
                    new DynamicArray<>(Address.class, List.of(new Address(strategy))),
                    new Uint32(block))),
            "getMinimumSlashableStake");
    Words w = new Words(data, "getMinimumSlashableStake");
    int outer = w.offset(0);
    int firstRow = outer + 32 + w.offset(outer + 32);
    return w.word(firstRow + 32);
  }

  private boolean bool(String to, String sig, Type<?>... params) {
    return rpc.view(to, sig, new TypeReference<Bool>() {}, params).getValue();
  }

  private BigInteger uint(String to, String sig, Type<?>... params) {
    return rpc.view(to, sig, new TypeReference<Uint256>() {}, params).getValue();
  }

  static Uint64 wad(BigInteger v) {
    return new Uint64(v);
  }
}
