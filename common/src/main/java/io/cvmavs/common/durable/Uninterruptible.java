package io.cvmavs.common.durable;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs file I/O where an interrupt cannot reach it. An interrupt that arrives while a thread is
 * inside {@code FileChannel.write/force} (or {@code Files.write}) closes the channel and fails the
 * write with {@code ClosedByInterruptException} (whose message is {@code null}), leaving a
 * half-written temporary file or a closed journal behind. Shutdown interrupts worker threads, so
 * state written at shutdown was lost this way.
 *
 * <p>{@link #call} runs the action on a fresh virtual thread that nothing else knows about (so
 * nothing interrupts it) and waits for it to finish even when the calling thread is interrupted;
 * the caller's interrupt flag is then set again, so the caller still sees that it was asked to
 * stop. The action's {@link IOException}, {@link RuntimeException} or {@link Error} is rethrown as
 * is.
 */
public final class Uninterruptible {
  private Uninterruptible() {}

  /** File I/O that returns a value. */
  @FunctionalInterface
  public interface IoCall<T> {
    T call() throws IOException;
  }

  /** File I/O without a result. */
  @FunctionalInterface
  public interface IoRun {
    void run() throws IOException;
  }

  /** Runs {@code action} to completion out of the reach of the caller's interrupts. */
  public static void run(IoRun action) throws IOException {
    call(
        () -> {
          action.run();
          return null;
        });
  }

  /** Runs {@code action} to completion out of the reach of the caller's interrupts. */
  public static <T> T call(IoCall<T> action) throws IOException {
    FutureTask<T> task =
        new FutureTask<>(
            () -> {
              try {
                return action.call();
              } catch (IOException e) {
                throw new Wrapped(e);
              }
            });
    Thread.ofVirtual().name("uninterruptible-io").start(task);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Wrapped w) {
            throw w.io;
          }
          if (cause instanceof RuntimeException r) {
            throw r;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new IOException(cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Carries the action's checked exception through the task (so an action's own runtime exceptions
   * are not mistaken for it).
   */
  private static final class Wrapped extends RuntimeException {
    final IOException io;

    Wrapped(IOException io) {
      super(io);
      this.io = io;
    }
  }
}
