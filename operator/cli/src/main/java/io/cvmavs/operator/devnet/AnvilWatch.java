package io.cvmavs.operator.devnet;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * Watches the devnet's anvil process: if it exits while the devnet is running (killed, crashed, out
 * of memory), the watch records one message naming it and interrupts the devnet's main thread, so
 * the devnet stops every component at once instead of letting nodes, aggregator and task generator
 * retry against a dead RPC. {@code node_modules/.bin/anvil} is a Node.js wrapper that runs the
 * anvil binary as its child: the watch follows both, and when one of them goes it stops the other,
 * so no orphaned anvil keeps the port. An exit during JVM shutdown (Ctrl-C reaches anvil too) or
 * after {@link #close()} is expected and not reported.
 */
final class AnvilWatch implements AutoCloseable {
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<String> died = new AtomicReference<>();
  private final Thread shutdownHook;

  private AnvilWatch(Thread shutdownHook) {
    this.shutdownHook = shutdownHook;
  }

  /**
   * Starts watching process {@code pid}; {@code main} is interrupted when it exits unexpectedly.
   */
  static AnvilWatch start(long pid, String rpcUrl, Path log, Thread main) {
    AtomicBoolean shuttingDown = new AtomicBoolean();
    AnvilWatch watch =
        new AnvilWatch(new Thread(() -> shuttingDown.set(true), "devnet-anvil-watch-stop"));
    Runtime.getRuntime().addShutdownHook(watch.shutdownHook);
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      watch.report(pid, rpcUrl, log, main, shuttingDown, List.of());
      return watch;
    }
    List<ProcessHandle> tree =
        Stream.concat(Stream.of(handle.get()), handle.get().descendants()).toList();
    for (ProcessHandle process : tree) {
      process.onExit().thenRun(() -> watch.report(pid, rpcUrl, log, main, shuttingDown, tree));
    }
    return watch;
  }

  private void report(
      long pid,
      String rpcUrl,
      Path log,
      Thread main,
      AtomicBoolean shuttingDown,
      List<ProcessHandle> tree) {
    try {
      Thread.sleep(200); // a Ctrl-C reaches anvil and this JVM together; let the hook run first
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closed.get() || shuttingDown.get()) {
      return;
    }
    tree.forEach(ProcessHandle::destroyForcibly); // the wrapper's or the binary's survivor
    String line =
        "anvil (pid "
            + pid
            + ", "
            + rpcUrl
            + ") exited unexpectedly; stopping the devnet. anvil's log: "
            + log;
    if (died.compareAndSet(null, line)) { // once, though wrapper and binary both exit
      main.interrupt();
    }
  }

  /** The one line to print when anvil died under the devnet; empty while it runs. */
  Optional<String> died() {
    return Optional.ofNullable(died.get());
  }

  @Override
  public void close() {
    closed.set(true);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already stopping
    }
  }
}
