package dev.mtasts.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Lets at most a fixed number of asynchronous tasks run at once. A task that finds every slot taken
 * waits in a bounded first-in first-out queue; when that queue is full, or the task waited longer than
 * the configured bound (new work only), it is not run and its future completes with the caller's
 * refusal value, so the excess is always answered and never dropped.
 *
 * <p>There are two queues: tasks that finish work already begun ({@link Lane#CONTINUATION}) are
 * started before new work ({@link Lane#NEW}), so that a burst of new work cannot starve what is half
 * done. Cancelling the returned future of a waiting task removes it from its queue; of a running task,
 * cancels the task's own future. Thread-safe.
 */
public final class Admission {
  /** Which queue a task waits in. */
  public enum Lane {
    /** Finishes work already begun; started first. */
    CONTINUATION,
    /** New work. */
    NEW
  }

  private final String what;
  private final int limit;
  private final int maxWaiting;
  private final @Nullable Duration maxWait;
  private final Object lock = new Object();
  private final ArrayDeque<Waiter<?>> continuations = new ArrayDeque<>();
  private final ArrayDeque<Waiter<?>> fresh = new ArrayDeque<>();
  private int running;
  /** Set while a thread completes the result of a task that holds a slot; see {@link #finish}. */
  private final ThreadLocal<Handoff> handoff = new ThreadLocal<>();

  /** Whether a continuation took over the slot of the task whose result is being completed. */
  private static final class Handoff {
    boolean taken;
  }

  /**
   * Creates an admission.
   *
   * @param what what the tasks are, plural, for the refusal details ("policy discoveries")
   * @param limit how many tasks may run at once; at least 1
   * @param maxWaiting how many tasks may wait in each queue; at least 0
   * @param maxWait how long a task of {@link Lane#NEW} may wait, or {@code null} for as long as it
   *     takes; continuations wait until they run
   */
  public Admission(String what, int limit, int maxWaiting, @Nullable Duration maxWait) {
    if (limit < 1 || maxWaiting < 0) {
      throw new IllegalArgumentException("need limit >= 1 and maxWaiting >= 0");
    }
    this.what = Objects.requireNonNull(what, "what");
    this.limit = limit;
    this.maxWaiting = maxWaiting;
    this.maxWait = maxWait;
  }

  /**
   * Runs a task now or when a slot is free, or refuses it.
   *
   * @param lane the queue the task waits in when it has to wait
   * @param task starts the work and returns its future; called at most once, on the calling thread or
   *     on the thread that completed the task before it
   * @param refusal turns the reason a task was not run (for people, safe to log) into its result
   * @param <T> the type of the result
   * @return the task's result, or the refusal
   */
  public <T> CompletableFuture<T> submit(Lane lane, Supplier<CompletableFuture<T>> task,
      Function<String, T> refusal) {
    Waiter<T> waiter = new Waiter<>(task, refusal);
    String refused = null;
    boolean start = false;
    synchronized (lock) {
      ArrayDeque<Waiter<?>> queue = lane == Lane.CONTINUATION ? continuations : fresh;
      Handoff h = lane == Lane.CONTINUATION ? handoff.get() : null;
      if (h != null && !h.taken) {
        // Submitted while the task before it completes: it takes that task's slot.
        h.taken = true;
        start = true;
      } else if (running < limit && continuations.isEmpty() && fresh.isEmpty()) {
        running++;
        start = true;
      } else if (queue.size() >= maxWaiting) {
        refused = "not started: " + running + " " + what + " under way and " + queue.size()
            + " waiting, the most allowed";
      } else {
        queue.addLast(waiter);
      }
    }
    if (refused != null) {
      waiter.result.complete(refusal.apply(refused));
      return waiter.result;
    }
    if (start) {
      runFrom(waiter);
      return waiter.result;
    }
    waiter.result.whenComplete((v, e) -> {
      if (waiter.result.isCancelled()) {
        remove(waiter);
      }
    });
    if (maxWait != null && lane == Lane.NEW) {
      // A timer of its own, so that orTimeout drops the scheduled task once the waiter starts.
      waiter.timer.orTimeout(maxWait.toNanos(), TimeUnit.NANOSECONDS).whenComplete((v, e) -> {
        if (e != null && remove(waiter)) {
          waiter.result.complete(waiter.refusal.apply("not started: no free slot within "
              + describe(maxWait) + " (" + limit + " " + what + " under way)"));
        }
      });
    }
    return waiter.result;
  }

  /**
   * Returns how many tasks run now.
   *
   * @return the count
   */
  public int running() {
    synchronized (lock) {
      return running;
    }
  }

  /**
   * Returns how many tasks wait now, in both queues.
   *
   * @return the count
   */
  public int waiting() {
    synchronized (lock) {
      return continuations.size() + fresh.size();
    }
  }

  /** Starts a waiter that holds a slot, and the following ones while tasks finish at once. */
  private void runFrom(@Nullable Waiter<?> first) {
    Waiter<?> w = first;
    while (w != null) {
      w.timer.complete(null);
      CompletableFuture<?> work = w.launch();
      if (!work.isDone()) {
        Waiter<?> started = w;
        work.whenComplete((v, e) -> runFrom(finish(started)));
        return;
      }
      w = finish(w);
    }
  }

  /**
   * Completes the result of a finished task, then passes its slot on. A continuation that the
   * result's callers submit on this thread meanwhile (the second half of the same piece of work)
   * takes the slot over rather than queueing behind it.
   *
   * @return the next waiter to start in the slot, or null
   */
  private @Nullable Waiter<?> finish(Waiter<?> w) {
    Handoff previous = handoff.get();
    Handoff mine = new Handoff();
    handoff.set(mine);
    try {
      w.settle();
    } finally {
      if (previous == null) {
        handoff.remove();
      } else {
        handoff.set(previous);
      }
    }
    return mine.taken ? null : next();
  }

  /** Hands the slot of a finished task to the next waiter, or gives it back; null when none waits. */
  private @Nullable Waiter<?> next() {
    synchronized (lock) {
      Waiter<?> w = continuations.pollFirst();
      if (w == null) {
        w = fresh.pollFirst();
      }
      if (w == null) {
        running--;
      }
      return w;
    }
  }

  private boolean remove(Waiter<?> waiter) {
    synchronized (lock) {
      return continuations.removeFirstOccurrence(waiter) || fresh.removeFirstOccurrence(waiter);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private final class Waiter<T> {
    final Supplier<CompletableFuture<T>> task;
    final Function<String, T> refusal;
    final CompletableFuture<T> result = new CompletableFuture<>();
    final CompletableFuture<Void> timer = new CompletableFuture<>();
    private CompletableFuture<T> work = CompletableFuture.completedFuture(null);

    Waiter(Supplier<CompletableFuture<T>> task, Function<String, T> refusal) {
      this.task = task;
      this.refusal = refusal;
    }

    /** Starts the task; a cancel of the result from now on cancels the task's own future. */
    CompletableFuture<T> launch() {
      CompletableFuture<T> w;
      try {
        w = result.isDone() ? CompletableFuture.completedFuture(null) : task.get();
      } catch (RuntimeException e) {
        w = CompletableFuture.failedFuture(e);
      }
      work = w;
      CompletableFuture<T> running = w;
      result.whenComplete((v, e) -> {
        if (result.isCancelled()) {
          running.cancel(true);
        }
      });
      return w;
    }

    /** Completes the result as the finished task did. */
    void settle() {
      try {
        result.complete(work.join());
      } catch (RuntimeException e) {
        result.completeExceptionally(e instanceof java.util.concurrent.CompletionException
            && e.getCause() != null ? e.getCause() : e);
      }
    }
  }
}
