package io.cvmavs.operator.db3;

import io.cvmavs.operator.OperatorException;

/** A {@code cvm-avs db3} command cannot run: unreadable input file, missing store or option. */
public final class Db3CommandException extends OperatorException {
  public Db3CommandException(String message) {
    super(message);
  }

  public Db3CommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
