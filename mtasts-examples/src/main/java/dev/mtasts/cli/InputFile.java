package dev.mtasts.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files the tool is given, safely: only regular files (a FIFO would block the tool and a
 * device such as {@code /dev/zero} never ends), and never more than a bound, so no input can hang
 * the tool or exhaust its memory.
 */
final class InputFile {
  /** The most a {@code --trust-pem} file may hold: far more than any bundle of CA certificates. */
  static final int MAX_PEM_BYTES = 4 << 20;

  private static final int TYPE_MASK = 0170000;
  private static final int FIFO = 0010000;
  private static final int CHARACTER_DEVICE = 0020000;
  private static final int BLOCK_DEVICE = 0060000;
  private static final int SOCKET = 0140000;

  private InputFile() {}

  /** A file cannot be read; the message is safe to print. */
  static final class UnreadableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads a regular file, at most {@code limit + 1} bytes of it, so that a caller can tell a file
   * over the limit from one at it.
   *
   * @param path the file
   * @param limit the most bytes the caller uses
   * @return the bytes read
   * @throws UnreadableException when the file does not exist, is not a regular file, or cannot be
   *     read
   */
  static byte[] readAtMost(Path path, int limit) throws UnreadableException {
    checkRegular(path);
    try (InputStream in = Files.newInputStream(path)) {
      return in.readNBytes(limit + 1);
    } catch (IOException e) {
      throw new UnreadableException(describe(e));
    }
  }

  /**
   * Refuses anything but a regular file (symbolic links are followed), without opening it.
   *
   * @param path the file
   * @throws UnreadableException when it does not exist or is not a regular file
   */
  static void checkRegular(Path path) throws UnreadableException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new UnreadableException(describe(e));
    }
    if (attributes.isDirectory()) {
      throw new UnreadableException("it is a directory, not a file");
    }
    if (!attributes.isRegularFile()) {
      throw new UnreadableException("it is " + kind(path) + ", not a regular file");
    }
  }

  /**
   * Describes a failed read for people.
   *
   * @param e the failure
   * @return a short reason, safe to print
   */
  static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String reason = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    return Terminal.safe(reason == null ? e.getClass().getSimpleName() : reason);
  }

  private static String kind(Path path) {
    try {
      Object mode = Files.getAttribute(path, "unix:mode");
      if (mode instanceof Integer m) {
        return switch (m & TYPE_MASK) {
          case FIFO -> "a named pipe (FIFO)";
          case CHARACTER_DEVICE -> "a character device";
          case BLOCK_DEVICE -> "a block device";
          case SOCKET -> "a socket";
          default -> "a special file";
        };
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // no unix view on this platform
    }
    return "a special file";
  }
}
