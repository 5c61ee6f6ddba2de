package dev.mtasts.postfix.internal;

import java.io.IOException;

/** A request is not a netstring the server accepts; the message is safe to log. */
public final class MalformedFrameException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, with any client bytes already escaped
   */
  public MalformedFrameException(String message) {
    super(message);
  }
}
