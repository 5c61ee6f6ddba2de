package dev.mtasts.postfix;

/** The daemon's configuration (file or options) is not valid; the message names what and where. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, safe to print
   */
  public ConfigException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, safe to print
   * @param cause the underlying error
   */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
