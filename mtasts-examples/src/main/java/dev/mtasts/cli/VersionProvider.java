package dev.mtasts.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the version that Maven wrote into {@code version.properties} at build time. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    return new String[] {"mtasts " + version(), "Java " + Runtime.version()};
  }

  /**
   * Returns the project version.
   *
   * @return for example {@code 0.1.0}, or {@code unknown} when the resource is missing
   * @throws IOException when the resource cannot be read
   */
  static String version() throws IOException {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      p.load(in);
    }
    return p.getProperty("version", "unknown");
  }
}
