package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Abi;
import io.cvmavs.chain.rpc.Transactor;
import java.util.List;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/** Operator transactions to {@code CvmRegistry} (the sender is the operator). */
public record RegistryWriter(Transactor tx, String registry) {

  /**
   * {@code updateSocket(socket)}: publishes a new socket for the sender's operatorId (reverts with
   * {@code NotRegistered} when the sender never registered a BLS key).
   */
  public TransactionReceipt updateSocket(String socket) {
    return tx.send(
        registry,
        Abi.call("updateSocket(string)", List.of(new Utf8String(socket))),
        "CvmRegistry.updateSocket");
  }
}
