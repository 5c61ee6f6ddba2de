package dev.mtasts.cli;

import dev.mtasts.tlsrpt.PolicyType;
import dev.mtasts.result.ResultType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtasts report}: totals the TLS-RPT reports a domain owner received. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Total the TLS-RPT reports you received, per policy domain, and say what the"
        + " failures mean.",
    description = {
      "Read TLS-RPT (RFC 8460) reports as senders deliver them: .json files, .json.gz files, whole"
          + " email messages with the report attached (application/tlsrpt+gzip or"
          + " application/tlsrpt+json, also inside a forwarded message), and directories of them"
          + " (read recursively, in name order; names starting with '.' are skipped). '-' reads"
          + " standard input. The kind of a file is told by its content, not its name.",
      "",
      "Sessions are totalled per policy domain and policy type: successful and failed, and the"
          + " failures by result type and receiving MX, over the dates the reports cover. A report"
          + " whose contact-info and report-id were already counted is skipped as a duplicate. A"
          + " file that is not a readable report is named with the reason, and the others are"
          + " still counted.",
      "",
      "With --json, one JSON object on one line:",
      "  reports   the number of reports counted",
      "  from, to  the earliest start-datetime and the latest end-datetime (UTC), or null",
      "  errors    [{file, message}]: the files that were not read, and why",
      "  policies  [{policy_domain, policy_type, successful, failed,",
      "             failures: [{result_type, receiving_mx_hostname (or null), count}]}]"
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every file was read as a report",
      "1:at least one file was not a readable report (the others are still counted)",
      "2:usage error",
      "3:internal error (please report it)"
    })
final class ReportCommand implements Callable<Integer> {
  /** The largest file read, in bytes: far above any daily report, even as a base64 message. */
  static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  /** How deep directories are read. */
  private static final int MAX_DIRECTORY_DEPTH = 8;

  private static final DateTimeFormatter INSTANT = DateTimeFormatter.ISO_INSTANT;

  private final Io io;

  @Option(names = "--json", description = "Print one JSON object on one line.")
  private boolean json;

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "A report file, an email message, a directory of them, or - for standard"
          + " input.")
  private List<String> files = new ArrayList<>();

  ReportCommand(Io io) {
    this.io = io;
  }

  /** A file that could not be counted, and why. */
  record FileError(String file, String message) {}

  /** One failure row: a result type at one receiving MX. */
  record FailureKey(String resultType, @Nullable String receivingMx) {}

  /** The totals of one policy domain and policy type. */
  static final class Totals {
    final String policyDomain;
    final PolicyType policyType;
    long successful;
    long failed;
    final Map<FailureKey, Long> failures = new LinkedHashMap<>();

    Totals(String policyDomain, PolicyType policyType) {
      this.policyDomain = policyDomain;
      this.policyType = policyType;
    }

    /** The failure rows, the most sessions first. */
    List<Map.Entry<FailureKey, Long>> sortedFailures() {
      List<Map.Entry<FailureKey, Long>> rows = new ArrayList<>(failures.entrySet());
      rows.sort(Comparator.<Map.Entry<FailureKey, Long>>comparingLong(Map.Entry::getValue)
          .reversed()
          .thenComparing(e -> e.getKey().resultType())
          .thenComparing(e -> e.getKey().receivingMx(),
              Comparator.nullsLast(Comparator.naturalOrder())));
      return rows;
    }
  }

  /** Everything read. */
  static final class Summary {
    int reports;
    int duplicates;
    @Nullable Instant from;
    @Nullable Instant to;
    final List<FileError> errors = new ArrayList<>();
    final Map<String, Totals> totals = new LinkedHashMap<>();
    private final Set<List<String>> seen = new HashSet<>();

    void add(ReceivedReport r) {
      if (!seen.add(List.of(r.contactInfo(), r.reportId()))) {
        duplicates++;
        return;
      }
      reports++;
      from = from == null || r.start().isBefore(from) ? r.start() : from;
      to = to == null || r.end().isAfter(to) ? r.end() : to;
      for (ReceivedReport.Entry e : r.policies()) {
        Totals t = totals.computeIfAbsent(e.policyDomain() + " " + e.policyType().token(),
            k -> new Totals(e.policyDomain(), e.policyType()));
        t.successful = saturatedAdd(t.successful, e.successful());
        t.failed = saturatedAdd(t.failed, e.failed());
        for (ReceivedReport.Failure f : e.failures()) {
          t.failures.merge(new FailureKey(f.resultType(), f.receivingMx()), f.count(),
              ReportCommand::saturatedAdd);
        }
      }
    }

    /** The totals by policy domain, then policy type. */
    List<Totals> byDomain() {
      List<Totals> list = new ArrayList<>(totals.values());
      list.sort(Comparator.comparing((Totals t) -> t.policyDomain)
          .thenComparing(t -> t.policyType.ordinal()));
      return list;
    }
  }

  @Override
  public Integer call() {
    Summary summary = new Summary();
    for (String file : files) {
      if (file.equals("-")) {
        readStdin(summary);
      } else {
        readPath(Path.of(file), file, 0, summary);
      }
    }
    if (json) {
      io.println(toJson(summary));
    } else {
      printHuman(summary);
    }
    return summary.errors.isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
  }

  private void readStdin(Summary summary) {
    byte[] bytes;
    try {
      bytes = ReportReader.readCapped(io.in(), MAX_FILE_BYTES, "standard input");
    } catch (ReportReader.TooLargeException e) {
      summary.errors.add(new FileError("-", e.getMessage()));
      return;
    } catch (IOException e) {
      summary.errors.add(new FileError("-", "cannot read: " + e.getMessage()));
      return;
    }
    readBytes(bytes, "-", summary);
  }

  /**
   * Reads a file, or every file below a directory. Only regular files are read, never more than
   * {@link #MAX_FILE_BYTES}: a device, a pipe or a socket is named as an error and not opened.
   */
  private void readPath(Path path, String name, int depth, Summary summary) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      summary.errors.add(new FileError(name, "no such file or directory"));
      return;
    } catch (IOException | SecurityException e) {
      summary.errors.add(new FileError(name, "cannot read: " + reason(e)));
      return;
    }
    if (attributes.isDirectory()) {
      if (depth >= MAX_DIRECTORY_DEPTH) {
        summary.errors.add(new FileError(name, "directories nested more than "
            + MAX_DIRECTORY_DEPTH + " deep are not read"));
        return;
      }
      List<Path> children;
      try (Stream<Path> list = Files.list(path)) {
        children = list.filter(p -> !p.getFileName().toString().startsWith("."))
            .sorted(Comparator.comparing(p -> p.getFileName().toString()))
            .toList();
      } catch (IOException | SecurityException e) {
        summary.errors.add(new FileError(name, "cannot read the directory: " + reason(e)));
        return;
      }
      for (Path child : children) {
        readPath(child, path.resolve(child.getFileName()).toString(), depth + 1, summary);
      }
      return;
    }
    if (!attributes.isRegularFile()) {
      summary.errors.add(new FileError(name, "not a regular file (a device, pipe or socket is"
          + " not read)"));
      return;
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      summary.errors.add(new FileError(name, "larger than " + (MAX_FILE_BYTES / (1024 * 1024))
          + " MiB, which no report is"));
      return;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = ReportReader.readCapped(in, MAX_FILE_BYTES, "the file");
    } catch (ReportReader.TooLargeException e) {
      summary.errors.add(new FileError(name, e.getMessage()));
      return;
    } catch (IOException | SecurityException e) {
      summary.errors.add(new FileError(name, "cannot read: " + reason(e)));
      return;
    }
    readBytes(bytes, name, summary);
  }

  private static void readBytes(byte[] bytes, String name, Summary summary) {
    try {
      for (ReceivedReport r : ReportReader.read(bytes)) {
        summary.add(r);
      }
    } catch (ReportReader.NotAReportException e) {
      summary.errors.add(new FileError(name, e.getMessage()));
    }
  }

  private static String reason(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return String.valueOf(e.getMessage());
  }

  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  // ------------------------------------------------------------------ JSON

  static String toJson(Summary s) {
    return Json.object(g -> {
      g.writeNumberField("reports", s.reports);
      g.writeStringField("from", s.from == null ? null : INSTANT.format(s.from));
      g.writeStringField("to", s.to == null ? null : INSTANT.format(s.to));
      g.writeArrayFieldStart("errors");
      for (FileError e : s.errors) {
        g.writeStartObject();
        g.writeStringField("file", e.file());
        g.writeStringField("message", e.message());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("policies");
      for (Totals t : s.byDomain()) {
        g.writeStartObject();
        g.writeStringField("policy_domain", t.policyDomain);
        g.writeStringField("policy_type", t.policyType.token());
        g.writeNumberField("successful", t.successful);
        g.writeNumberField("failed", t.failed);
        g.writeArrayFieldStart("failures");
        for (Map.Entry<FailureKey, Long> f : t.sortedFailures()) {
          g.writeStartObject();
          g.writeStringField("result_type", f.getKey().resultType());
          g.writeStringField("receiving_mx_hostname", f.getKey().receivingMx());
          g.writeNumberField("count", f.getValue());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  // ------------------------------------------------------------------ for people

  private void printHuman(Summary s) {
    StringBuilder head = new StringBuilder(Human.plural(s.reports, "TLS-RPT report"));
    if (s.from != null && s.to != null) {
      LocalDate first = s.from.atZone(ZoneOffset.UTC).toLocalDate();
      LocalDate last = lastDay(s.from, s.to);
      head.append(first.equals(last) ? ", " + first : ", " + first + " to " + last)
          .append(" (UTC)");
    }
    if (s.duplicates > 0) {
      head.append("; ").append(Human.plural(s.duplicates, "duplicate")).append(" skipped");
    }
    if (!s.errors.isEmpty()) {
      head.append("; ").append(Human.plural(s.errors.size(), "file")).append(" not read");
    }
    io.println(head.toString());

    List<Totals> ordered = new ArrayList<>(s.byDomain());
    // The failures that matter first: the policies with the most failed sessions.
    ordered.sort(Comparator.comparingLong((Totals t) -> t.failed).reversed()
        .thenComparing(t -> t.policyDomain)
        .thenComparing(t -> t.policyType.ordinal()));
    Map<String, Boolean> types = new LinkedHashMap<>();
    for (Totals t : ordered) {
      io.println("");
      long all = saturatedAdd(t.successful, t.failed);
      String share = t.failed == 0 || all == 0 ? ""
          : String.format(" (%.1f %%)", 100.0 * t.failed / all);
      io.println(t.policyDomain + ", policy " + t.policyType.token() + ": " + t.successful
          + " successful, " + t.failed + " failed" + share);
      List<Map.Entry<FailureKey, Long>> rows = t.sortedFailures();
      if (rows.isEmpty()) {
        continue;
      }
      int width = 11;
      for (Map.Entry<FailureKey, Long> row : rows) {
        width = Math.max(width, row.getKey().resultType().length());
      }
      io.println(String.format("  %10s  %-" + width + "s  %s", "sessions", "result type",
          "receiving MX"));
      for (Map.Entry<FailureKey, Long> row : rows) {
        FailureKey k = row.getKey();
        types.put(k.resultType(), true);
        io.println(String.format("  %10d  %-" + width + "s  %s", row.getValue(), k.resultType(),
            k.receivingMx() == null ? "-" : k.receivingMx()));
      }
    }
    if (!types.isEmpty()) {
      io.println("");
      io.println("What the result types mean, and what to do:");
      for (String type : types.keySet()) {
        io.println("  " + type + ": " + explain(type));
      }
    }
    if (!s.errors.isEmpty()) {
      io.println("");
      io.println("Not read:");
      for (FileError e : s.errors) {
        io.println("  " + Terminal.safe(e.file()) + ": " + Terminal.safe(e.message()));
      }
    }
  }

  /** The last UTC day a range covers: an end at midnight closes the day before it. */
  static LocalDate lastDay(Instant from, Instant to) {
    Instant last = to.isAfter(from) && to.atZone(ZoneOffset.UTC).toLocalTime().toNanoOfDay() == 0
        ? to.minusNanos(1) : to;
    return last.atZone(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * Says what a result type usually means for a domain owner and how to fix it.
   *
   * @param token the result type as reported
   * @return one paragraph
   */
  static String explain(String token) {
    return ResultType.fromToken(token).map(ReportCommand::explain).orElse("not a result type of"
        + " RFC 8460 (perhaps registered later): the failure-reason-code or"
        + " additional-information in the report itself may say more.");
  }

  private static String explain(ResultType type) {
    Objects.requireNonNull(type);
    return switch (type) {
      case STARTTLS_NOT_SUPPORTED -> "the MX did not offer STARTTLS, so mail to it goes"
          + " unencrypted (and is refused under enforce). Enable STARTTLS on that MX, and check"
          + " that no firewall or proxy removes it from the EHLO answer.";
      case CERTIFICATE_HOST_MISMATCH -> "the MX certificate does not name the MX host (some"
          + " senders also report an MX host the policy does not list so). Use a certificate"
          + " whose subjectAltName lists the MX record's host name, or a matching wildcard, and"
          + " list every MX host in the policy.";
      case CERTIFICATE_EXPIRED -> "the MX certificate has expired. Renew it, and automate the"
          + " renewal.";
      case CERTIFICATE_NOT_TRUSTED -> "the MX certificate does not chain to a CA senders trust:"
          + " self-signed, a private CA, or a missing intermediate. Use a certificate from a"
          + " public CA and serve the whole chain.";
      case VALIDATION_FAILURE -> "another failure; the failure-reason-code in the report says"
          + " which (for example an MX host missing from the policy, or a failed TLS handshake)."
          + " Add every MX host to the policy and check the MX's TLS set-up.";
      case TLSA_INVALID -> "DANE: no TLSA record matches the MX certificate. Publish TLSA"
          + " records for the new certificate or key before rolling it over.";
      case DNSSEC_INVALID -> "DANE: the DNSSEC validation of the TLSA records failed. Check the"
          + " zone's signatures and its DS record at the parent.";
      case DANE_REQUIRED -> "the sender requires DANE and found no DNSSEC-validated TLSA records."
          + " Publish TLSA records in a signed zone, or ignore it if you do not use DANE.";
      case STS_POLICY_FETCH_ERROR -> "the sender could not fetch the MTA-STS policy (DNS,"
          + " connection, HTTP status, redirect, size or time). Make"
          + " https://mta-sts.DOMAIN/.well-known/mta-sts.txt answer 200 with text/plain and no"
          + " redirect, from everywhere; 'mtasts check DOMAIN' shows what senders get.";
      case STS_POLICY_INVALID -> "the policy file is not valid. Check it with 'mtasts lint policy"
          + " FILE' or 'mtasts check DOMAIN' and fix what they report.";
      case STS_WEBPKI_INVALID -> "the certificate of mta-sts.DOMAIN failed validation. Serve a"
          + " certificate from a public CA for mta-sts.DOMAIN, with the whole chain.";
    };
  }
}
