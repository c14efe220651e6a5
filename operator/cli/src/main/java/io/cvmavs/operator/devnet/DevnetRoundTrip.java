package io.cvmavs.operator.devnet;

import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.chain.staking.StakingWriter;
import io.cvmavs.consensus.rpc.CometRpcClient;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.operator.relayer.BridgeClient;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.web3j.crypto.ECKeyPair;

/**
 * The devnet's `$C` round trip over the bridge (issue 19 item 5), run beside the tasks on its own
 * thread: a holder account gets {@link #DEPOSIT} `$C` on Ethereum and deposits it into {@code
 * CBridge} for its own CVM account; the validators credit it once final on Ethereum; the holder
 * signs a {@link #WITHDRAW} `$C` withdrawal on the CVM chain; the devnet's relayer carries the
 * checkpoint that covers it; the holder claims it on Ethereum; conservation (locked = CVM supply +
 * in flight) is checked after each step. The same {@link BridgeClient} as {@code cvm-avs bridge
 * deposit|withdraw|claim|status}.
 */
final class DevnetRoundTrip implements AutoCloseable {
  static final BigInteger C = BigInteger.TEN.pow(18);
  static final BigInteger DEPOSIT = C.multiply(BigInteger.TEN);
  static final BigInteger WITHDRAW = C.multiply(BigInteger.valueOf(4));

  /** How long each wait (credit, covering checkpoint) may take before the round trip fails. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(180);

  /**
   * What the summary shows. {@code failedStep} is empty when the round trip completed; {@code
   * creditMillis} from the deposit's receipt to the credit seen on the CVM chain, {@code
   * claimableMillis} from the burn to a covering checkpoint on Ethereum (-1 when not reached).
   */
  record Outcome(
      long depositsCredited,
      long withdrawalsClaimed,
      long claimGas,
      boolean conserved,
      long creditMillis,
      long claimableMillis,
      long totalMillis,
      Optional<String> failedStep) {
    boolean ok() {
      return failedStep.isEmpty() && depositsCredited == 1 && withdrawalsClaimed == 1 && conserved;
    }
  }

  private final CompletableFuture<Outcome> result = new CompletableFuture<>();
  private final Thread thread;
  private final CometRpcClient cvm;
  private volatile boolean closed;

  private DevnetRoundTrip(Thread thread, CometRpcClient cvm) {
    this.thread = thread;
    this.cvm = cvm;
  }

  /**
   * Starts the round trip from {@code holderAccount} (its own key is its CVM account). {@code
   * deployBlock} is the first block that can hold the bridge's and checkpoints' logs.
   */
  static DevnetRoundTrip start(
      AnvilNode anvil,
      String bridge,
      String checkpoints,
      String staking,
      URI cvmRpc,
      int holderAccount,
      long deployBlock,
      Consumer<String> step) {
    CometRpcClient cvm = new CometRpcClient(cvmRpc, Duration.ofSeconds(15));
    DevnetRoundTrip[] self = new DevnetRoundTrip[1];
    Thread t =
        Thread.ofPlatform()
            .daemon()
            .name("devnet-bridge-round-trip")
            .unstarted(
                () -> {
                  Outcome o;
                  try {
                    o =
                        self[0].run(
                            anvil, bridge, checkpoints, staking, holderAccount, deployBlock, step);
                  } catch (RuntimeException e) {
                    o = self[0].failed("unexpected: " + e.getMessage(), step);
                  }
                  self[0].result.complete(o);
                });
    self[0] = new DevnetRoundTrip(t, cvm);
    t.start();
    return self[0];
  }

  /** Deposits credited so far (a failure after the credit still reports it). */
  private volatile long credited;

  private Outcome run(
      AnvilNode anvil,
      String bridge,
      String checkpoints,
      String staking,
      int holderAccount,
      long deployBlock,
      Consumer<String> step) {
    long start = System.nanoTime();
    Transactor holderTx = DevnetBridge.transactor(anvil, holderAccount);
    ECKeyPair holderKey = anvil.account(holderAccount).credentials().getEcKeyPair();
    byte[] holder = Numbers.bytes(anvil.account(holderAccount).address());
    BridgeClient client = new BridgeClient(holderTx, bridge, checkpoints, cvm, deployBlock);
    String token;
    BridgeClient.Deposited dep;
    try {
      token = client.reader().token();
      new StakingWriter(DevnetBridge.transactor(anvil, 0), staking)
          .mint(token, anvil.account(holderAccount).address(), DEPOSIT);
      dep = client.deposit(holder, DEPOSIT);
    } catch (RuntimeException e) {
      return failed("deposit on Ethereum: " + e.getMessage(), step);
    }
    long depositBlock = dep.receipt().getBlockNumber().longValueExact();
    long deposited = System.nanoTime();
    step.accept(
        String.format(
            "bridge: %s deposited 10 $C into CBridge for its CVM account (nonce %d, Ethereum block"
                + " %d); the validators credit it once that block is final",
            anvil.account(holderAccount).address(), dep.nonce(), depositBlock));
    if (!await(() -> cvmLong(client, "next_deposit_nonce") > dep.nonce())) {
      return failed(
          String.format(
              "deposit %d (Ethereum block %d) not credited on the CVM chain within %d s (CVM"
                  + " chain's agreed Ethereum final height: %d)",
              dep.nonce(),
              depositBlock,
              STEP_TIMEOUT.toSeconds(),
              cvmLong(client, "eth_final_height")),
          step);
    }
    long creditMillis = millisSince(deposited);
    credited = 1;
    if (!conserved(client)) {
      return failed("conservation after the credit", step);
    }
    step.accept(
        String.format(
            "bridge: deposit %d credited on the CVM chain %.1f s after its Ethereum block",
            dep.nonce(), creditMillis / 1000.0));
    BridgeClient.Withdrawn w;
    try {
      w = client.withdraw(holderKey, holder, WITHDRAW);
    } catch (RuntimeException e) {
      return failed("withdrawal on the CVM chain: " + e.getMessage(), step);
    }
    long burned = System.nanoTime();
    step.accept(
        String.format(
            "bridge: 4 $C withdrawal %d burned on the CVM chain at height %d; waiting for a"
                + " checkpoint that covers it",
            w.nonce(), w.height()));
    CheckpointsReader cps = new CheckpointsReader(holderTx, checkpoints);
    // A certificate signs what was final before its height: a checkpoint at least two heights
    // after the burn carries the withdrawals root with it (the relayer submits it unasked).
    if (!await(() -> cps.latestHeight() > w.height() + 1)) {
      return failed(
          String.format(
              "no checkpoint covering CVM height %d landed within %d s (latest %d)",
              w.height(), STEP_TIMEOUT.toSeconds(), cps.latestHeight()),
          step);
    }
    long claimableMillis = millisSince(burned);
    BridgeClient.Claimed claimed;
    try {
      claimed = client.claim(w.nonce());
    } catch (RuntimeException e) {
      return failed("claim on Ethereum: " + e.getMessage(), step);
    }
    long gas = claimed.receipt().getGasUsed().longValueExact();
    boolean conserved = conserved(client);
    step.accept(
        String.format(
            "bridge: withdrawal %d claimed on Ethereum against the checkpoint of CVM height %d"
                + " (%d gas); conservation %s",
            w.nonce(), claimed.checkpointHeight(), gas, conserved ? "holds" : "BROKEN"));
    return new Outcome(
        1,
        1,
        gas,
        conserved,
        creditMillis,
        claimableMillis,
        millisSince(start),
        conserved ? Optional.empty() : Optional.of("conservation after the claim"));
  }

  /**
   * The outcome, waiting at most {@code timeout} (the round trip's own waits are bounded by {@link
   * #STEP_TIMEOUT}).
   */
  Outcome outcome(Duration timeout) {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return new Outcome(
          0, 0, -1, false, -1, -1, -1, Optional.of("still running after the tasks ended"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, 0, -1, false, -1, -1, -1, Optional.of("interrupted"));
    } catch (ExecutionException e) {
      return new Outcome(0, 0, -1, false, -1, -1, -1, Optional.of(e.getMessage()));
    }
  }

  private boolean await(BooleanSupplier done) {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    while (!closed && System.nanoTime() < deadline) {
      try {
        if (done.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        // A killed validator (the drill) or a busy RPC: ask again.
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * Whether the bridge's books balance. The two chains cannot be read at one instant (a CVM block
   * or an Ethereum block can land between the reads), so an imbalance is read again a few times,
   * half a second apart; one that persists is reported.
   */
  private static boolean conserved(BridgeClient client) {
    for (int attempt = 0; attempt < 6; attempt++) {
      try {
        if (client.balance().conserved()) {
          return true;
        }
      } catch (RuntimeException e) {
        // One of the two chains did not answer: read both again.
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static long cvmLong(BridgeClient client, String field) {
    try {
      return client.cvmStatus().path(field).asLong(-1);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private Outcome failed(String stepName, Consumer<String> step) {
    step.accept("bridge: $C round trip FAILED at " + stepName);
    return new Outcome(credited, 0, -1, false, -1, -1, -1, Optional.of(stepName));
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cvm.close();
  }
}
