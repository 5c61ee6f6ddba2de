package dev.mtasts.store.internal;

/** A stored entry is not a valid entry; the message says why. */
public final class CorruptEntryException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, for people
   */
  public CorruptEntryException(String message) {
    super(message, null, false, false);
  }
}
