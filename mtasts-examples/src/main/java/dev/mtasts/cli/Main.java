package dev.mtasts.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code mtasts} command-line tool. */
@Command(
    name = "mtasts",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    header = "MTA-STS (RFC 8461) tools for mail senders and domain owners.",
    footerHeading = "%nExamples:%n",
    footer = {
      "  mtasts lint policy mta-sts.txt",
      "  curl -s https://mta-sts.example.com/.well-known/mta-sts.txt \\",
      "    | mtasts lint policy -",
      "  mtasts lint policy --json --mx mx1.example.com mta-sts.txt",
      "  mtasts lint record 'v=STSv1; id=20260101T000000'",
      "  mtasts check example.com",
      "  mtasts check --json --dns 192.0.2.53 example.com",
      "  mtasts lint tlsrpt 'v=TLSRPTv1; rua=mailto:tlsrpt@example.com'"
    },
    subcommands = {CheckCommand.class, LintCommand.class, ResolveCommand.class, CacheCommand.class,
      InitCommand.class, ReportCommand.class, PostfixCommand.class, DemoCommand.class,
      HelpCommand.class})
public final class Main {

  /** Creates the top-level command; picocli calls this. */
  public Main() {}

  /**
   * Runs the tool and exits with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args, System.in, System.out, System.err));
  }

  /**
   * Runs the tool on the given streams, without exiting.
   *
   * @param args the command line
   * @param stdin standard input, read as raw bytes when an input is {@code -}
   * @param stdout where results go
   * @param stderr where usage and I/O errors go
   * @return the exit code: 0 all valid, 1 some input invalid, 2 usage or I/O error, 3 internal error
   */
  public static int run(String[] args, InputStream stdin, OutputStream stdout, OutputStream stderr) {
    Charset cs = consoleCharset();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(stdout, cs), false);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(stderr, cs), true);
    Io io = new Io(stdin, out, err);
    CommandLine cmd = commandLine(io);
    int code = cmd.execute(args);
    if (out.checkError()) {
      io.error("cannot write to standard output");
      code = ExitCodes.USAGE_OR_IO;
    }
    err.flush();
    return code;
  }

  /**
   * Builds the command tree bound to the given streams.
   *
   * @param io the streams
   * @return the configured command line
   */
  static CommandLine commandLine(Io io) {
    CommandLine cmd = new CommandLine(new Main(), new Factory(io));
    cmd.setOut(io.out());
    cmd.setErr(io.err());
    // A file argument that starts with '@' is a file, not a list of more arguments.
    cmd.setExpandAtFiles(false);
    cmd.setExecutionExceptionHandler((e, command, parseResult) -> {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      io.error("internal error, please report it:");
      for (String line : trace.toString().split("\\R")) {
        io.err().print(Terminal.safe(line.replace('\t', ' ')));
        io.err().print('\n');
      }
      io.err().flush();
      return ExitCodes.INTERNAL;
    });
    cmd.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      io.error(Terminal.safe(e.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, io.err());
      io.err().print("Usage: " + failed.getHelp().synopsis(0).stripTrailing());
      io.err().print('\n');
      io.err().print("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
      io.err().print('\n');
      io.err().flush();
      return ExitCodes.USAGE_OR_IO;
    });
    Map<String, String> codes = new LinkedHashMap<>();
    for (String entry : ExitCodes.HELP) {
      int colon = entry.indexOf(':');
      codes.put(entry.substring(0, colon), entry.substring(colon + 1));
    }
    configure(cmd, codes);
    return cmd;
  }

  private static void configure(CommandLine cmd, Map<String, String> codes) {
    // A command with exit codes of its own keeps them.
    if (!(cmd.getCommand() instanceof HelpCommand)
        && cmd.getCommandSpec().usageMessage().exitCodeList().isEmpty()) {
      cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      configure(sub, codes);
    }
  }

  /** The charset of the console, as the JDK sees it; UTF-8 when it cannot tell. */
  private static Charset consoleCharset() {
    for (String property : new String[] {"stdout.encoding", "sun.stdout.encoding", "native.encoding"}) {
      String name = System.getProperty(property);
      if (name != null) {
        try {
          return Charset.forName(name);
        } catch (IllegalArgumentException e) {
          // try the next one
        }
      }
    }
    return StandardCharsets.UTF_8;
  }

  /** Creates commands that need the streams with them, and everything else as picocli does. */
  private record Factory(Io io) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(Io.class).newInstance(io);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
