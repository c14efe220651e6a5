package io.cvmavs.localnet.anvil;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start anvil.
 *
 * @param chainId chain id (31337 by default, like anvil and Hardhat).
 * @param blockTime empty = automine (a block per transaction); otherwise interval mining.
 * @param accounts number of funded dev accounts.
 * @param logDirectory where {@code anvil-<port>.log} goes.
 * @param port 0 = anvil binds a free port on 127.0.0.1 and reports it (no choose-then-bind race).
 */
public record AnvilOptions(
    long chainId,
    Optional<Duration> blockTime,
    int accounts,
    Path logDirectory,
    int port,
    Duration startTimeout) {

  public AnvilOptions {
    Objects.requireNonNull(blockTime, "blockTime");
    Objects.requireNonNull(logDirectory, "logDirectory");
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (accounts < 1) {
      throw new IllegalArgumentException("anvil needs at least one account, got " + accounts);
    }
    blockTime.ifPresent(
        t -> {
          if (t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("anvil block time must be positive, got " + t);
          }
        });
  }

  /**
   * Defaults: chain 31337, automine, 10 accounts, logs under {@code target/localnet}, free port, 30
   * s to start.
   */
  public static AnvilOptions defaults() {
    return new AnvilOptions(
        31337, Optional.empty(), 10, Path.of("target", "localnet"), 0, Duration.ofSeconds(30));
  }

  public AnvilOptions withBlockTime(Duration interval) {
    return new AnvilOptions(
        chainId, Optional.of(interval), accounts, logDirectory, port, startTimeout);
  }

  public AnvilOptions withLogDirectory(Path directory) {
    return new AnvilOptions(chainId, blockTime, accounts, directory, port, startTimeout);
  }

  public AnvilOptions withPort(int fixedPort) {
    return new AnvilOptions(chainId, blockTime, accounts, logDirectory, fixedPort, startTimeout);
  }

  public AnvilOptions withAccounts(int count) {
    return new AnvilOptions(chainId, blockTime, count, logDirectory, port, startTimeout);
  }
}
