package dev.mtasts.internal;

import dev.mtasts.policy.Problem;
import dev.mtasts.policy.Problem.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * The multi-record rule that RFC 8461 section 3.1 ({@code _mta-sts}) and RFC 8460 section 3 ({@code
 * _smtp._tls}) share: of several TXT records, only those that begin with the literal version prefix
 * ({@code v=STSv1;}, {@code v=TLSRPTv1;}) count, and exactly one must remain. A single record is
 * judged by its grammar alone.
 */
final class TxtAnswer {
  private TxtAnswer() {}

  /**
   * Picks the one record of an answer to parse.
   *
   * @param answer the records, each joined from its strings
   * @param version the version field, e.g. {@code v=STSv1}; the prefix is it followed by ';'
   * @param noneMeans what an answer without such a record means, e.g. "so the domain has no ..."
   * @param severalMean what an answer with several such records means
   * @param whitespaceNote added to the warning for a record discarded for whitespace before ';'
   * @param errors where errors go
   * @param warnings where warnings go
   * @return the index of the record to parse, or -1 when there is none
   */
  static int pick(List<String> answer, String version, String noneMeans, String severalMean,
      String whitespaceNote, List<Problem> errors, List<Problem> warnings) {
    if (answer.isEmpty()) {
      errors.add(new Problem(Kind.NO_RECORD, 0, 0, "the answer holds no TXT record"));
      return -1;
    }
    if (answer.size() == 1) {
      return 0;
    }
    String prefix = version + ";";
    List<Integer> found = new ArrayList<>(2);
    for (int i = 0; i < answer.size(); i++) {
      String r = answer.get(i);
      if (r.startsWith(prefix)) {
        found.add(i);
      } else {
        String why = r.startsWith(version) && r.length() > version.length()
                && TagValueLexer.isWsp(r.charAt(version.length()))
            ? "; with several records the literal prefix counts, so whitespace before ';' discards it"
                + whitespaceNote
            : "";
        warnings.add(new Problem(Kind.RECORD_DISCARDED, i + 1, 0,
            "record discarded: it does not begin with '" + prefix + "'" + why));
      }
    }
    if (found.isEmpty()) {
      errors.add(new Problem(Kind.NO_RECORD, 0, 0, "none of the " + answer.size()
          + " records begins with '" + prefix + "', " + noneMeans));
      return -1;
    }
    if (found.size() > 1) {
      StringBuilder which = new StringBuilder();
      for (int i : found) {
        which.append(which.length() == 0 ? "" : ", ").append(i + 1);
      }
      errors.add(new Problem(Kind.MULTIPLE_RECORDS, 0, 0, found.size() + " records (" + which
          + ") begin with '" + prefix + "'; exactly one is allowed, " + severalMean));
      return -1;
    }
    return found.get(0);
  }
}
