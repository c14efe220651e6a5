package io.cvmavs.localnet.anvil;

import io.cvmavs.localnet.process.LocalProcess;
import io.cvmavs.localnet.process.LocalProcessException;
import io.cvmavs.localnet.process.ProcessSpec;
import io.cvmavs.localnet.process.RepoLayout;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;

/**
 * A real anvil process on 127.0.0.1 with deterministic dev accounts. Start with {@link #start};
 * tests normally get one injected by {@link WithAnvil}. Closing stops the process (and is safe to
 * repeat).
 */
public final class AnvilNode implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Listening on 127\\.0\\.0\\.1:(\\d+)");

  private final LocalProcess process;
  private final int port;
  private final long chainId;
  private final HttpService http;
  private final Web3j web3j;
  private final List<DevAccount> accounts;

  private AnvilNode(
      LocalProcess process, int port, long chainId, HttpService http, List<DevAccount> accounts) {
    this.process = process;
    this.port = port;
    this.chainId = chainId;
    this.http = http;
    this.web3j = Web3j.build(http);
    this.accounts = accounts;
  }

  /**
   * Starts anvil from {@code node_modules/.bin/anvil} of the repository and waits until eth_chainId
   * answers. With port 0, anvil binds a free port itself and the port is read from its log, so no
   * other process can take the port between choosing and binding it.
   */
  public static AnvilNode start(AnvilOptions options) {
    RepoLayout repo = RepoLayout.locate();
    List<String> command = new ArrayList<>();
    command.add(repo.npmBinary("anvil").toString());
    command.addAll(
        List.of(
            "--host", "127.0.0.1",
            "--port", Integer.toString(options.port()),
            "--chain-id", Long.toString(options.chainId()),
            "--accounts", Integer.toString(options.accounts()),
            "--mnemonic", DevAccount.DEFAULT_MNEMONIC));
    options
        .blockTime()
        .ifPresent(
            t -> command.addAll(List.of("--block-time", Double.toString(t.toMillis() / 1000.0))));
    String logName =
        options.port() != 0
            ? "anvil-" + options.port() + ".log"
            : "anvil-" + UUID.randomUUID().toString().substring(0, 8) + ".log";
    Path log = options.logDirectory().resolve(logName);
    AtomicInteger port = new AtomicInteger(options.port());
    ProcessSpec spec =
        new ProcessSpec(
            "anvil",
            command,
            Map.of(),
            Optional.of(repo.root()),
            log,
            () -> {
              if (port.get() == 0) {
                listeningPort(log).ifPresent(port::set);
                if (port.get() == 0) {
                  return false;
                }
              }
              Web3j probe = Web3j.build(new HttpService("http://127.0.0.1:" + port.get()));
              try {
                return probe.ethChainId().send().getChainId().longValue() == options.chainId();
              } finally {
                probe.shutdown();
              }
            },
            options.startTimeout(),
            repo.npmInstallHint());
    LocalProcess process = LocalProcess.start(spec);
    return new AnvilNode(
        process,
        port.get(),
        options.chainId(),
        new HttpService("http://127.0.0.1:" + port.get()),
        DevAccount.derive(DevAccount.DEFAULT_MNEMONIC, options.accounts()));
  }

  /** anvil prints {@code Listening on 127.0.0.1:<port>} once it has bound its socket. */
  private static Optional<Integer> listeningPort(Path log) throws IOException {
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    Matcher m = LISTENING.matcher(Files.readString(log));
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String wsUrl() {
    return "ws://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public long chainId() {
    return chainId;
  }

  public Web3j web3j() {
    return web3j;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** The funded dev accounts; account 0 is the conventional deployer. */
  public List<DevAccount> accounts() {
    return accounts;
  }

  public DevAccount account(int index) {
    return accounts.get(index);
  }

  /**
   * {@code evm_snapshot}: returns an id to {@link #revert} to; pair them to isolate tests sharing
   * one chain.
   */
  public String snapshot() {
    return call("evm_snapshot", List.of(), SnapshotResponse.class).getResult();
  }

  /** {@code evm_revert} to a snapshot (which is consumed, as in anvil). */
  public void revert(String snapshotId) {
    Boolean ok = call("evm_revert", List.of(snapshotId), BooleanResponse.class).getResult();
    if (!Boolean.TRUE.equals(ok)) {
      throw new LocalProcessException("anvil refused evm_revert to snapshot " + snapshotId);
    }
  }

  /** Mines {@code blocks} blocks at once ({@code anvil_mine}). */
  public void mine(int blocks) {
    call("anvil_mine", List.of("0x" + Integer.toHexString(blocks)), Response.class);
  }

  /**
   * Switches to a block every {@code interval} ({@code evm_setIntervalMining}); automine stays off
   * until reset.
   */
  public void setIntervalMining(Duration interval) {
    call("evm_setIntervalMining", List.of(Math.max(1, interval.toSeconds())), Response.class);
    call("evm_setAutomine", List.of(false), Response.class);
  }

  /**
   * Stops all mining (no automine, no interval): transactions wait in the pool until {@link
   * #mine(int)} — for tests of what happens to a transaction that is not being mined.
   */
  public void pauseMining() {
    call("evm_setAutomine", List.of(false), Response.class);
    call("evm_setIntervalMining", List.of(0), Response.class);
  }

  /**
   * Back to a block per transaction ({@code evm_setAutomine true}), e.g. after {@link
   * #pauseMining}.
   */
  public void automine() {
    call("evm_setIntervalMining", List.of(0), Response.class);
    call("evm_setAutomine", List.of(true), Response.class);
  }

  /** Advances the next block's timestamp by {@code seconds} ({@code evm_increaseTime}). */
  public void increaseTime(long seconds) {
    call("evm_increaseTime", List.of(BigInteger.valueOf(seconds)), Response.class);
  }

  /**
   * Polls until the transaction has a receipt (anvil may answer {@code eth_sendTransaction} before
   * it mines the block).
   *
   * @throws LocalProcessException if there is none within {@code timeout}.
   */
  public TransactionReceipt awaitReceipt(String transactionHash, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        Optional<TransactionReceipt> receipt =
            web3j.ethGetTransactionReceipt(transactionHash).send().getTransactionReceipt();
        if (receipt.isPresent()) {
          return receipt.get();
        }
        if (System.nanoTime() > deadline) {
          throw new LocalProcessException(
              "no receipt for " + transactionHash + " within " + timeout);
        }
        Thread.sleep(20);
      }
    } catch (IOException e) {
      throw new LocalProcessException(
          "anvil eth_getTransactionReceipt failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalProcessException("interrupted while waiting for " + transactionHash, e);
    }
  }

  public long blockNumber() {
    try {
      return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new LocalProcessException("anvil eth_blockNumber failed: " + e.getMessage(), e);
    }
  }

  private <R extends Response<?>> R call(String method, List<?> params, Class<R> type) {
    try {
      R response = new Request<>(method, params, http, type).send();
      if (response.hasError()) {
        throw new LocalProcessException(
            "anvil " + method + " failed: " + response.getError().getMessage());
      }
      return response;
    } catch (IOException e) {
      throw new LocalProcessException("anvil " + method + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
    process.close();
  }

  @Override
  public String toString() {
    return "anvil[" + rpcUrl() + ", chain " + chainId + ", pid " + pid() + "]";
  }

  /** JSON-RPC answer of {@code evm_snapshot}. */
  public static final class SnapshotResponse extends Response<String> {}

  /** JSON-RPC answer carrying a boolean. */
  public static final class BooleanResponse extends Response<Boolean> {}
}
