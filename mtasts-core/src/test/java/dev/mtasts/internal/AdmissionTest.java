package dev.mtasts.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link Admission} with tasks whose futures the test completes by hand: how many run, who waits,
 * who is refused, in which order waiting tasks start, and what cancelling does.
 */
class AdmissionTest {

  /** A task the test finishes by hand; it counts how often it was started. */
  private static final class Task {
    final CompletableFuture<String> work = new CompletableFuture<>();
    final AtomicInteger starts = new AtomicInteger();

    CompletableFuture<String> start() {
      starts.incrementAndGet();
      return work;
    }
  }

  private static CompletableFuture<String> submit(Admission a, Admission.Lane lane, Task t) {
    return a.submit(lane, t::start, reason -> "refused: " + reason);
  }

  @Test
  void runsAtMostTheLimitAndRefusesBeyondTheQueue() {
    Admission a = new Admission("tasks", 2, 3, null);
    List<Task> tasks = new ArrayList<>();
    List<CompletableFuture<String>> results = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Task t = new Task();
      tasks.add(t);
      results.add(submit(a, Admission.Lane.NEW, t));
    }

    assertEquals(2, a.running());
    assertEquals(3, a.waiting());
    assertEquals(List.of(1, 1, 0, 0, 0, 0, 0), tasks.stream().map(t -> t.starts.get()).toList());
    for (int i = 5; i < 7; i++) {
      assertTrue(results.get(i).isDone(), "refused at once: " + i);
      assertEquals("refused: not started: 2 tasks under way and 3 waiting, the most allowed",
          results.get(i).join());
      assertEquals(0, tasks.get(i).starts.get(), "a refused task never starts");
    }

    tasks.get(0).work.complete("zero");
    assertEquals("zero", results.get(0).join());
    assertEquals(1, tasks.get(2).starts.get(), "the first waiter took the free slot");
    assertEquals(2, a.running());
    assertEquals(2, a.waiting());
  }

  @Test
  void continuationsStartBeforeNewWork() {
    Admission a = new Admission("tasks", 1, 5, null);
    Task running = new Task();
    Task fresh = new Task();
    Task continuation = new Task();
    submit(a, Admission.Lane.NEW, running);
    submit(a, Admission.Lane.NEW, fresh);
    submit(a, Admission.Lane.CONTINUATION, continuation);

    running.work.complete("done");

    assertEquals(1, continuation.starts.get());
    assertEquals(0, fresh.starts.get());
  }

  @Test
  void tasksThatFinishAtOnceHandTheSlotOnWithoutDeepCalls() {
    Admission a = new Admission("tasks", 1, 100_000, null);
    Task first = new Task();
    CompletableFuture<String> firstResult = submit(a, Admission.Lane.NEW, first);
    List<CompletableFuture<String>> quick = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      String value = "v" + i;
      quick.add(a.submit(Admission.Lane.NEW, () -> CompletableFuture.completedFuture(value),
          reason -> "refused"));
    }

    first.work.complete("first");

    assertEquals("first", firstResult.join());
    assertEquals("v49999", quick.get(49_999).join());
    assertEquals(0, a.running());
    assertEquals(0, a.waiting());
  }

  @Test
  void cancellingAWaiterFreesItsPlaceAndItNeverStarts() {
    Admission a = new Admission("tasks", 1, 1, null);
    Task running = new Task();
    Task waiting = new Task();
    submit(a, Admission.Lane.NEW, running);
    CompletableFuture<String> w = submit(a, Admission.Lane.NEW, waiting);

    w.cancel(true);

    assertEquals(0, a.waiting());
    running.work.complete("done");
    assertEquals(0, waiting.starts.get());
    assertEquals(0, a.running());
  }

  @Test
  void cancellingARunningTaskCancelsItsWorkAndFreesTheSlot() {
    Admission a = new Admission("tasks", 1, 1, null);
    Task running = new Task();
    Task next = new Task();
    CompletableFuture<String> r = submit(a, Admission.Lane.NEW, running);
    submit(a, Admission.Lane.NEW, next);

    r.cancel(true);

    assertTrue(running.work.isCancelled());
    assertEquals(1, next.starts.get());
  }

  @Test
  void aTaskThatThrowsFailsItsFutureAndFreesTheSlot() {
    Admission a = new Admission("tasks", 1, 0, null);
    CompletableFuture<String> failed = a.submit(Admission.Lane.NEW,
        () -> {
          throw new IllegalStateException("boom");
        },
        reason -> "refused");

    assertTrue(failed.isCompletedExceptionally());
    assertEquals(0, a.running());
    Task next = new Task();
    submit(a, Admission.Lane.NEW, next);
    assertEquals(1, next.starts.get());
    assertFalse(next.work.isDone());
  }

  @Test
  void newWorkThatWaitsTooLongIsRefusedAndLeavesTheQueue() {
    Admission a = new Admission("tasks", 1, 5, java.time.Duration.ofMillis(1));
    Task running = new Task();
    Task waiting = new Task();
    submit(a, Admission.Lane.NEW, running);

    String answer = submit(a, Admission.Lane.NEW, waiting).join();

    assertEquals("refused: not started: no free slot within 1 ms (1 tasks under way)", answer);
    assertEquals(0, a.waiting());
    running.work.complete("done");
    assertEquals(0, waiting.starts.get());
    assertEquals(0, a.running());
  }

  @Test
  void aContinuationSubmittedAsTheTaskBeforeItCompletesTakesItsSlot() {
    // The second half of a discovery (the fetch) is submitted from the completion of the first (the
    // lookup): it must not find the slot still taken and be refused or queued behind new work.
    Admission a = new Admission("tasks", 1, 0, null);
    Task lookup = new Task();
    Task fetch = new Task();
    CompletableFuture<String> whole = submit(a, Admission.Lane.NEW, lookup)
        .thenCompose(v -> submit(a, Admission.Lane.CONTINUATION, fetch));

    lookup.work.complete("record");

    assertEquals(1, fetch.starts.get());
    assertEquals(1, a.running());
    Task other = new Task();
    assertEquals("refused: not started: 1 tasks under way and 0 waiting, the most allowed",
        submit(a, Admission.Lane.NEW, other).join());
    fetch.work.complete("policy");
    assertEquals("policy", whole.join());
    assertEquals(0, a.running());
  }
}
