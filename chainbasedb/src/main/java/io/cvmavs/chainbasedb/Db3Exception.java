package io.cvmavs.chainbasedb;

/**
 * Root of this module's exception family: something about a DB3 mutation or the ChainbaseDB store
 * was refused or failed. Subtypes say what: {@code format.FormatException} (bytes, JSON or a field
 * that does not follow docs/DB3-FORMAT.md), {@code validate.Refusal} (a well-formed mutation that
 * CheckTx refuses, with a code), {@code store.StoreException} (the RocksDB store itself).
 */
public class Db3Exception extends RuntimeException {
  public Db3Exception(String message) {
    super(message);
  }

  public Db3Exception(String message, Throwable cause) {
    super(message, cause);
  }
}
