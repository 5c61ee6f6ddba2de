package dev.mtasts.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The blocking forms of the library's asynchronous calls. */
public final class Futures {
  private Futures() {}

  /**
   * Waits for a future and returns its value; a {@link RuntimeException} it failed with is rethrown
   * as it is rather than wrapped in a {@link CompletionException}.
   *
   * @param future the future
   * @param <T> the type of its value
   * @return the value
   */
  public static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
