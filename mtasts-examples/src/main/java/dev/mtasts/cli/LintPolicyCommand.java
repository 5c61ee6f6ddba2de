package dev.mtasts.cli;

import dev.mtasts.policy.HostName;
import dev.mtasts.policy.MxPattern;
import dev.mtasts.policy.ParseResult;
import dev.mtasts.policy.Policy;
import dev.mtasts.policy.Problem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mtasts lint policy}: checks policy bodies ({@code .well-known/mta-sts.txt}). */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    header = "Check MTA-STS policy bodies (mta-sts.txt) and say how to fix them.",
    description = {
      "Check MTA-STS policy bodies (the contents of https://mta-sts.<domain>/.well-known/mta-sts.txt)"
          + " exactly as senders read them: the raw bytes, with their line ends and encoding.",
      "",
      "Each problem is printed as FILE:LINE:COLUMN: error|warning: message. A policy with errors"
          + " is not used by senders; warnings are tolerated but should be fixed.",
      "",
      "With --json, each FILE gives one JSON object on one line, in argument order:",
      "  file      the FILE argument as given (- for standard input)",
      "  valid     true or false",
      "  mode      \"enforce\", \"testing\" or \"none\" (only when valid)",
      "  max_age   the cache lifetime in seconds, a number (only when valid)",
      "  mx        the mx patterns, an array of strings (only when valid)",
      "  errors    [{\"line\":N,\"message\":...}]; line 0 means the whole body",
      "  warnings  the same shape as errors",
      "  mx_match  {\"HOST\":true|false} for each --mx HOST (only when valid)",
      "",
      "A FILE that cannot be read is reported on standard error and the other files are still"
          + " checked; with --json it gets an object with \"valid\":false and one error on line 0."
          + " The exit code is then 2."
    })
final class LintPolicyCommand implements Callable<Integer> {
  private final Io io;

  @Spec
  private CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON object per FILE, one per line.")
  private boolean json;

  @Option(
      names = "--mx",
      paramLabel = "HOST",
      description = "Also tell whether the policy permits this MX host name (repeatable).")
  private List<String> mxHosts = new ArrayList<>();

  @Parameters(
      arity = "1..*",
      paramLabel = "FILE",
      description = "A policy body file, or - for standard input.")
  private List<String> files = new ArrayList<>();

  LintPolicyCommand(Io io) {
    this.io = io;
  }

  @Override
  public Integer call() {
    List<String> hosts = new ArrayList<>(new LinkedHashSet<>(mxHosts));
    for (String host : hosts) {
      if (HostName.parse(host).isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--mx '" + Terminal.safe(host)
            + "' is not a valid host name; give the name of the MX host, for example"
            + " --mx mx1.example.com");
      }
    }
    if (files.stream().filter(PolicyInput.STDIN::equals).count() > 1) {
      throw new ParameterException(spec.commandLine(),
          "standard input (-) can be read only once; give - at most one time");
    }
    boolean unreadable = false;
    boolean invalid = false;
    boolean printed = false;
    for (String file : files) {
      PolicyInput.Outcome outcome = PolicyInput.read(file, io.in());
      if (outcome instanceof PolicyInput.Unreadable u) {
        unreadable = true;
        io.error("cannot read " + displayName(file) + ": " + u.reason());
        if (json) {
          io.println(unreadableJson(file, u.reason()));
        }
      } else if (outcome instanceof PolicyInput.Body body) {
        ParseResult<Policy> result = body.parse();
        invalid |= !result.isValid();
        if (json) {
          io.println(toJson(file, result, hosts));
        } else {
          if (printed) {
            io.println("");
          }
          printHuman(file, result, hosts);
          printed = true;
        }
      }
      io.out().flush();
    }
    return unreadable ? ExitCodes.USAGE_OR_IO : invalid ? ExitCodes.INVALID : ExitCodes.OK;
  }

  private static String displayName(String file) {
    return file.equals(PolicyInput.STDIN) ? "<stdin>" : Terminal.safe(file);
  }

  static String toJson(String file, ParseResult<Policy> result, List<String> hosts) {
    return Json.object(g -> {
      g.writeStringField("file", file);
      g.writeBooleanField("valid", result.isValid());
      Optional<Policy> policy = result.value();
      if (policy.isPresent()) {
        g.writeStringField("mode", policy.get().mode().token());
        g.writeNumberField("max_age", policy.get().maxAge().getSeconds());
        g.writeArrayFieldStart("mx");
        for (MxPattern p : policy.get().mx()) {
          g.writeString(p.value());
        }
        g.writeEndArray();
      }
      Json.policyProblems(g, "errors", result.errors());
      Json.policyProblems(g, "warnings", result.warnings());
      if (policy.isPresent() && !hosts.isEmpty()) {
        g.writeObjectFieldStart("mx_match");
        for (String host : hosts) {
          g.writeBooleanField(host, policy.get().permits(host));
        }
        g.writeEndObject();
      }
    });
  }

  private static String unreadableJson(String file, String reason) {
    return Json.object(g -> {
      g.writeStringField("file", file);
      g.writeBooleanField("valid", false);
      g.writeArrayFieldStart("errors");
      g.writeStartObject();
      g.writeNumberField("line", 0);
      g.writeStringField("message", "cannot read the file: " + reason);
      g.writeEndObject();
      g.writeEndArray();
      g.writeArrayFieldStart("warnings");
      g.writeEndArray();
    });
  }

  private void printHuman(String file, ParseResult<Policy> result, List<String> hosts) {
    String name = displayName(file);
    io.println(name + ": " + (result.isValid() ? "valid" : "invalid")
        + Human.counts(result.errors().size(), result.warnings().size()));
    for (String line : Human.problems(Human.inFile(name), result)) {
      io.println(line);
    }
    if (result instanceof ParseResult.Valid<Policy> valid) {
      Policy policy = valid.get();
      long seconds = policy.maxAge().getSeconds();
      io.println("  mode:    " + policy.mode().token() + " (" + Human.explain(policy.mode()) + ")");
      io.println("  max_age: " + Human.plural(seconds, "second") + " (" + Human.duration(seconds)
          + ")");
      if (policy.mx().isEmpty()) {
        io.println("  mx:      (none)");
      }
      for (int i = 0; i < policy.mx().size(); i++) {
        io.println((i == 0 ? "  mx:      " : "           ") + policy.mx().get(i).value());
      }
      for (String host : hosts) {
        io.println("  " + Terminal.safe(host) + ": " + matchText(policy, host));
      }
    } else if (!hosts.isEmpty()) {
      io.println("  (--mx not checked: the policy is invalid, so senders do not use it)");
    }
  }

  /** Says whether the policy permits a host, which pattern matched or why none did. */
  static String matchText(Policy policy, String host) {
    for (MxPattern p : policy.mx()) {
      if (p.matches(host)) {
        return "permitted (matches mx " + p.value() + ")";
      }
    }
    String text = "not permitted by the policy";
    String normal = HostName.parse(host).map(HostName::value).orElse("");
    for (MxPattern p : policy.mx()) {
      if (p.isWildcard()) {
        String base = p.value().substring(2);
        if (normal.equals(base)) {
          text += "; " + p.value() + " does not match " + base + " itself, add 'mx: " + base + "'";
          break;
        }
        if (normal.endsWith("." + base)) {
          text += "; the '*' of " + p.value() + " stands for exactly one label";
          break;
        }
      }
    }
    return text + switch (policy.mode()) {
      case ENFORCE -> " (mode enforce: senders will not deliver to it)";
      case TESTING -> " (mode testing: senders deliver anyway and report it)";
      case NONE -> " (mode none: the policy is not applied)";
    };
  }
}
