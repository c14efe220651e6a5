package io.cvmavs.cvm.engine;

import io.cvmavs.cvm.ingest.ChainData;

/** Shares the engine tests' generated logs with tests in other packages. */
public final class ManuscriptRunnerTestAccess {
  /** The token address whose Transfer logs the generated data holds (among others). */
  public static final String TOKEN = ManuscriptRunnerTest.TOKEN_A;

  /** A manuscript decoding TOKEN's Transfer logs into the dataset sink "attested". */
  public static final String DECODE = ManuscriptRunnerTest.DECODE;

  private ManuscriptRunnerTestAccess() {}

  public static ChainData logs() {
    return ManuscriptRunnerTest.LOGS::rows;
  }
}
