package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Bytes32;
import io.cvmavs.chain.rpc.Transactor;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions to the {@code CvmManuscriptRegistry} through the one {@link Transactor} (estimated
 * first, so a refusal such as {@code AlreadyRegistered} or {@code NotRegistrar} is reported with
 * the contract's reason before anything is sent).
 */
public final class ManuscriptRegistryWriter {
  static final String REGISTER = "register(bytes32,bytes32,string)";
  static final String DEPRECATE = "deprecate(bytes32)";
  static final String REVOKE = "revoke(bytes32,string)";
  static final String SET_REGISTRAR = "setRegistrar(address,bool)";
  private static final String CONTRACT = "CvmManuscriptRegistry";

  private final Transactor tx;
  private final String address;

  public ManuscriptRegistryWriter(Transactor tx, String address) {
    if (address == null || !address.matches("0x[0-9a-fA-F]{40}")) {
      throw new IllegalArgumentException(
          "CvmManuscriptRegistry address is not an address: " + address);
    }
    this.tx = tx;
    this.address = address;
  }

  /** Registers a manuscript owned by the transactor's account (AVS owner or registrar). */
  public TransactionReceipt register(byte[] manuscriptHash, byte[] contentHash, String locator) {
    return tx.invoke(
        address,
        CONTRACT,
        REGISTER,
        b32("manuscriptHash", manuscriptHash),
        b32("contentHash", contentHash),
        new Utf8String(locator));
  }

  /** Entry owner: Active → Deprecated. */
  public TransactionReceipt deprecate(byte[] manuscriptHash) {
    return tx.invoke(address, CONTRACT, DEPRECATE, b32("manuscriptHash", manuscriptHash));
  }

  /** AVS owner: Active or Deprecated → Revoked. */
  public TransactionReceipt revoke(byte[] manuscriptHash, String reason) {
    return tx.invoke(
        address, CONTRACT, REVOKE, b32("manuscriptHash", manuscriptHash), new Utf8String(reason));
  }

  /** AVS owner: allow-lists (or removes) a registrar. */
  public TransactionReceipt setRegistrar(String registrar, boolean allowed) {
    return tx.invoke(address, CONTRACT, SET_REGISTRAR, new Address(registrar), new Bool(allowed));
  }

  private static org.web3j.abi.datatypes.generated.Bytes32 b32(String what, byte[] v) {
    return new org.web3j.abi.datatypes.generated.Bytes32(Bytes32.check(what, v));
  }
}
