package io.cvmavs.chainbasedb.store;

import io.cvmavs.chainbasedb.Db3Exception;

/** The store cannot open, read or write (RocksDB), or a block is applied out of order. */
public final class StoreException extends Db3Exception {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
