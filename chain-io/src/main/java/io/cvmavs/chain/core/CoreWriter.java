package io.cvmavs.chain.core;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Operator transactions to EigenLayer's core (the sender is the operator). */
public final class CoreWriter {
  private final Transactor tx;
  private final String delegationManager;
  private final String strategyManager;
  private final String allocationManager;

  public CoreWriter(
      Transactor tx, String delegationManager, String strategyManager, String allocationManager) {
    this.tx = tx;
    this.delegationManager = delegationManager;
    this.strategyManager = strategyManager;
    this.allocationManager = allocationManager;
  }

  public TransactionReceipt registerAsOperator(long allocationDelay, String metadataUri) {
    return tx.send(
        delegationManager,
        Abi.call(
            "registerAsOperator(address,uint32,string)",
            List.of(
                new Address("0x0000000000000000000000000000000000000000"),
                new Uint32(allocationDelay),
                new Utf8String(metadataUri))),
        "DelegationManager.registerAsOperator");
  }

  public TransactionReceipt depositIntoStrategy(String strategy, String token, BigInteger amount) {
    return tx.send(
        strategyManager,
        Abi.call(
            "depositIntoStrategy(address,address,uint256)",
            List.of(new Address(strategy), new Address(token), new Uint256(amount))),
        "StrategyManager.depositIntoStrategy");
  }

  /** Sets the operator's magnitude for one strategy in one operator set. */
  public TransactionReceipt modifyAllocation(
      String avs, long operatorSetId, String strategy, BigInteger magnitude) {
    DynamicStruct params =
        new DynamicStruct(
            CoreReader.operatorSet(avs, operatorSetId),
            new DynamicArray<>(Address.class, List.of(new Address(strategy))),
            new DynamicArray<>(Uint64.class, List.of(new Uint64(magnitude))));
    return tx.send(
        allocationManager,
        Abi.call(
            "modifyAllocations(address,((address,uint32),address[],uint64[])[])",
            List.of(
                new Address(tx.address()),
                new DynamicArray<>(DynamicStruct.class, List.of(params)))),
        "AllocationManager.modifyAllocations");
  }

  /** Registers for operator sets of {@code avs}; {@code data} goes to the AVS registrar. */
  public TransactionReceipt registerForOperatorSets(
      String avs, List<Long> operatorSetIds, byte[] data) {
    DynamicStruct params =
        new DynamicStruct(
            new Address(avs),
            new DynamicArray<>(Uint32.class, operatorSetIds.stream().map(Uint32::new).toList()),
            new DynamicBytes(data));
    return tx.send(
        allocationManager,
        Abi.call(
            "registerForOperatorSets(address,(address,uint32[],bytes))",
            List.of(new Address(tx.address()), params)),
        "AllocationManager.registerForOperatorSets");
  }

  /**
   * {@code deregisterFromOperatorSets((operator, avs, operatorSetIds))}: leaves operator sets of
   * {@code avs}; the AllocationManager calls the AVS registrar's {@code deregisterOperator}. The
   * operator stays slashable in those sets for {@code DEALLOCATION_DELAY} blocks.
   */
  public TransactionReceipt deregisterFromOperatorSets(String avs, List<Long> operatorSetIds) {
    DynamicStruct params =
        new DynamicStruct(
            new Address(tx.address()),
            new Address(avs),
            new DynamicArray<>(Uint32.class, operatorSetIds.stream().map(Uint32::new).toList()));
    return tx.send(
        allocationManager,
        Abi.call("deregisterFromOperatorSets((address,address,uint32[]))", List.of(params)),
        "AllocationManager.deregisterFromOperatorSets");
  }
}
