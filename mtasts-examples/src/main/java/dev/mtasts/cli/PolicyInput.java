package dev.mtasts.cli;

import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a policy body from a file or standard input as raw bytes, never more than one byte over
 * {@link Policy#MAX_BODY_BYTES}, so a huge file or an endless stream cannot exhaust memory. A file
 * must be a regular file: a FIFO or a device is refused without being opened.
 */
final class PolicyInput {
  /** The argument that stands for standard input. */
  static final String STDIN = "-";

  private PolicyInput() {}

  /** What reading one input gave. */
  sealed interface Outcome permits Body, Unreadable {}

  /**
   * The bytes read.
   *
   * @param bytes the body, or its first {@code MAX_BODY_BYTES + 1} bytes when it is larger
   * @param size the full size when known (a regular file), else the number of bytes read
   */
  record Body(byte[] bytes, long size) implements Outcome {
    /**
     * Parses the body; a body over the limit is reported as too large without being parsed.
     *
     * @return the parse result
     */
    ParseResult<Policy> parse() {
      if (bytes.length <= Policy.MAX_BODY_BYTES) {
        return Policy.parse(bytes);
      }
      String size = this.size > bytes.length ? this.size + " bytes" : "over " + Policy.MAX_BODY_BYTES
          + " bytes";
      return new ParseResult.Invalid<>(List.of(new Problem(Problem.Kind.TOO_LARGE, 0, 0,
          "the policy body is " + size + "; at most " + Policy.MAX_BODY_BYTES
              + " are accepted (RFC 8461 section 3.3), so senders will not use it")), List.of());
    }
  }

  /**
   * The input could not be read.
   *
   * @param reason why, for people, safe to print
   */
  record Unreadable(String reason) implements Outcome {}

  /**
   * Reads one input.
   *
   * @param arg a file name, or {@code -} for standard input
   * @param stdin standard input
   * @return the bytes, or why they could not be read
   */
  static Outcome read(String arg, InputStream stdin) {
    if (arg.equals(STDIN)) {
      try {
        byte[] b = stdin.readNBytes(Policy.MAX_BODY_BYTES + 1);
        return new Body(b, b.length);
      } catch (IOException e) {
        return new Unreadable(InputFile.describe(e));
      }
    }
    Path path;
    try {
      path = Path.of(arg);
    } catch (InvalidPathException e) {
      return new Unreadable("not a valid file name");
    }
    try {
      byte[] b = InputFile.readAtMost(path, Policy.MAX_BODY_BYTES);
      long size = b.length;
      if (b.length > Policy.MAX_BODY_BYTES) {
        try {
          size = Math.max(size, Files.size(path));
        } catch (IOException e) {
          // the size is only for the message
        }
      }
      return new Body(b, size);
    } catch (InputFile.UnreadableException e) {
      return new Unreadable(e.getMessage());
    }
  }


}
