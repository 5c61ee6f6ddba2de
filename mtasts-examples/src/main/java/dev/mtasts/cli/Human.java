package dev.mtasts.cli;

import dev.mtasts.policy.Mode;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** Formatting shared by the human-readable outputs. */
final class Human {
  private Human() {}

  /**
   * Formats all problems of a result, one line each, as {@code LOCATION: error|warning: message}, in
   * input order: errors and warnings interleaved so they read top to bottom, and problems about the
   * whole input (line 0) last.
   *
   * @param location turns a problem's line and column into its location text
   * @param result the parse result
   * @return one line per problem
   */
  static List<String> problems(Function<Problem, String> location, ParseResult<?> result) {
    record Entry(Problem problem, boolean error) {}
    List<Entry> all = new ArrayList<>();
    result.errors().forEach(p -> all.add(new Entry(p, true)));
    result.warnings().forEach(p -> all.add(new Entry(p, false)));
    all.sort(Comparator.comparingInt((Entry e) -> e.problem().line() == 0
            ? Integer.MAX_VALUE : e.problem().line())
        .thenComparingInt(e -> e.problem().column()));
    List<String> lines = new ArrayList<>(all.size());
    for (Entry e : all) {
      lines.add(location.apply(e.problem()) + ": " + (e.error() ? "error" : "warning") + ": "
          + Terminal.safe(e.problem().message()));
    }
    return lines;
  }

  /**
   * Locates a problem in a file as {@code FILE:LINE:COLUMN}, leaving out a part that is 0.
   *
   * @param file the file's name, already safe for a terminal
   * @return the locator
   */
  static Function<Problem, String> inFile(String file) {
    return p -> file + (p.line() == 0 ? "" : ":" + p.line() + (p.column() == 0 ? "" : ":" + p.column()));
  }

  /**
   * Locates a problem in a TXT answer as {@code record N:POSITION}, {@code record N} or, for the
   * whole answer, {@code answer}.
   *
   * @return the locator
   */
  static Function<Problem, String> inAnswer() {
    return p -> p.line() == 0 ? "answer"
        : "record " + p.line() + (p.column() == 0 ? "" : ":" + p.column());
  }

  /**
   * Formats the error and warning counts, for a headline.
   *
   * @param errors the number of errors
   * @param warnings the number of warnings
   * @return for example {@code " (2 errors, 1 warning)"}, or {@code ""} when both are 0
   */
  static String counts(int errors, int warnings) {
    List<String> parts = new ArrayList<>(2);
    if (errors > 0) {
      parts.add(plural(errors, "error"));
    }
    if (warnings > 0) {
      parts.add(plural(warnings, "warning"));
    }
    return parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")";
  }

  /**
   * Describes a number of seconds in the largest units that divide it, for example {@code 1 week},
   * {@code 365 days, 6 hours}.
   *
   * @param seconds a non-negative number of seconds
   * @return the description
   */
  static String duration(long seconds) {
    if (seconds > 0 && seconds % 604_800 == 0) {
      return plural(seconds / 604_800, "week");
    }
    if (seconds == 0) {
      return "expires at once";
    }
    long[] sizes = {86_400, 3_600, 60, 1};
    String[] names = {"day", "hour", "minute", "second"};
    List<String> parts = new ArrayList<>(4);
    long rest = seconds;
    for (int i = 0; i < sizes.length; i++) {
      if (rest >= sizes[i]) {
        parts.add(plural(rest / sizes[i], names[i]));
        rest %= sizes[i];
      }
    }
    return String.join(", ", parts);
  }

  /**
   * Says what a mode means for a sender.
   *
   * @param mode the mode
   * @return a short explanation
   */
  static String explain(Mode mode) {
    return switch (mode) {
      case ENFORCE -> "senders refuse delivery to MX hosts that fail the MX or certificate checks";
      case TESTING -> "senders deliver anyway and report failed checks with TLS-RPT";
      case NONE -> "the domain has withdrawn MTA-STS; senders do not apply the policy";
    };
  }

  static String plural(long n, String unit) {
    return n + " " + unit + (n == 1 ? "" : "s");
  }
}
