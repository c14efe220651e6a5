package io.cvmavs.chain.avs;

import io.cvmavs.chain.rpc.Transactor;
import java.math.BigInteger;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions to the AVS's slasher router {@code CvmSlasher} (the operator sets' slasher since
 * EigenLayer v1.9): its owner's allow-list and a direct slash by an allowed account. The task
 * manager slashes through the router on its own; these are for the owner and for tests.
 */
public record SlasherWriter(Transactor tx, String slasher) {

  /** Owner only: {@code setAllowed(account, allowed)}. */
  public TransactionReceipt setAllowed(String account, boolean allowed) {
    return tx.invoke(
        slasher, "CvmSlasher", "setAllowed(address,bool)", new Address(account), new Bool(allowed));
  }

  /** An allowed account only: slashes {@code wad} of every strategy of the operator set. */
  public TransactionReceipt slashOperator(
      String operator, long operatorSetId, BigInteger wad, String description) {
    return tx.invoke(
        slasher,
        "CvmSlasher",
        "slashOperator(address,uint32,uint256,string)",
        new Address(operator),
        new Uint32(operatorSetId),
        new Uint256(wad),
        new Utf8String(description));
  }
}
