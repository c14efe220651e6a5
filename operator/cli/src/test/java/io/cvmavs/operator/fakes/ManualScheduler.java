package io.cvmavs.operator.fakes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} on a {@link ManualClock}: nothing runs until {@link #advance}
 * (or {@link #runDue}) is called, and then every job due by the new time runs on the calling
 * thread, in due-time order (ties in submission order), with the clock set to each job's due time
 * while it runs. A periodic job is rescheduled after it ran, and stops for good when it throws — as
 * a real scheduler's does; its failure is kept in {@link #failures()}.
 *
 * <p>So a test can say "1.9 s after the threshold was met nothing was submitted, at 2 s it was"
 * without sleeping.
 */
public final class ManualScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  private final ManualClock clock;
  private final PriorityQueue<Job<?>> queue = new PriorityQueue<>();
  private final List<Throwable> failures = new ArrayList<>();
  private long sequence;
  private boolean shutdown;

  public ManualScheduler(ManualClock clock) {
    this.clock = clock;
  }

  public ManualClock clock() {
    return clock;
  }

  /** Runs every job due now (including jobs those jobs submit for now). */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves the clock forward by {@code d}, running every job due on the way. */
  public void advance(Duration d) {
    Instant target = clock.instant().plus(d);
    while (true) {
      Job<?> next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due.isAfter(target)) {
          break;
        }
        queue.poll();
      }
      clock.set(next.due);
      next.runOnce();
    }
    clock.set(target);
  }

  /** Jobs waiting (periodic ones included). */
  public synchronized int pending() {
    return (int) queue.stream().filter(j -> !j.isCancelled()).count();
  }

  /** What jobs threw (a periodic job that threw is not run again). */
  public synchronized List<Throwable> failures() {
    return List.copyOf(failures);
  }

  private synchronized <V> Job<V> add(Job<V> job) {
    if (shutdown) {
      throw new RejectedExecutionException("scheduler is shut down");
    }
    queue.add(job);
    return job;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.MILLISECONDS);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return add(new Job<>(Executors2.callable(command), due(delay, unit), null));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return add(new Job<>(callable, due(delay, unit), null));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return scheduleWithFixedDelay(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    if (delay <= 0) {
      throw new IllegalArgumentException("period must be positive, got " + delay);
    }
    return add(
        new Job<>(
            Executors2.callable(command),
            due(initialDelay, unit),
            Duration.ofNanos(unit.toNanos(delay))));
  }

  private Instant due(long delay, TimeUnit unit) {
    return clock.instant().plusNanos(unit.toNanos(Math.max(0, delay)));
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    for (Job<?> j : queue) {
      left.add(j::runOnce);
    }
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private static final class Executors2 {
    static Callable<Object> callable(Runnable r) {
      return () -> {
        r.run();
        return null;
      };
    }
  }

  private synchronized long nextOrder() {
    return sequence++;
  }

  private final class Job<V> implements ScheduledFuture<V> {
    private final Callable<V> task;
    private final Duration period;
    private Instant due;
    private long order;
    private volatile boolean cancelled;
    private volatile boolean done;
    private V result;
    private Throwable failure;

    Job(Callable<V> task, Instant due, Duration period) {
      this.task = task;
      this.due = due;
      this.period = period;
      this.order = nextOrder();
    }

    void runOnce() {
      if (cancelled) {
        return;
      }
      try {
        V v = task.call();
        if (period == null) {
          result = v;
          done = true;
        } else {
          due = clock.instant().plus(period);
          order = nextOrder();
          synchronized (ManualScheduler.this) {
            if (!shutdown && !cancelled) {
              queue.add(this);
            }
          }
        }
      } catch (Throwable t) {
        failure = t;
        done = true;
        synchronized (ManualScheduler.this) {
          failures.add(t);
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done) {
        return false;
      }
      cancelled = true;
      synchronized (ManualScheduler.this) {
        queue.remove(this);
      }
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public V get() throws java.util.concurrent.ExecutionException {
      if (cancelled) {
        throw new java.util.concurrent.CancellationException();
      }
      if (!done) {
        throw new IllegalStateException("not run yet: advance the ManualScheduler first");
      }
      if (failure != null) {
        throw new java.util.concurrent.ExecutionException(failure);
      }
      return result;
    }

    @Override
    public V get(long timeout, TimeUnit unit) throws java.util.concurrent.ExecutionException {
      return get();
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(Duration.between(clock.instant(), due));
    }

    @Override
    public int compareTo(Delayed o) {
      Job<?> other = (Job<?>) o;
      int c = due.compareTo(other.due);
      return c != 0 ? c : Long.compare(order, other.order);
    }
  }
}
