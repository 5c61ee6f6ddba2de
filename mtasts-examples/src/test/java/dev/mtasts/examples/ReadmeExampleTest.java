package dev.mtasts.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage example in the README compiles and prints what it promises. */
class ReadmeExampleTest {

  @Test
  void readmeExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
    compileReadmeBlock("example", 25, dir, "Example");

    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("Example").getMethod("main", String[].class);
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(originalOut);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("id 20260101T000000, mode enforce"), printed);
    assertTrue(printed.contains("mx1.mail.example.com permitted: true"), printed);
  }

  /**
   * The MTA example of "Using it in an MTA" compiles against the library, and the set-up of a
   * persistent, reporting sender in it takes at most five lines.
   */
  @Test
  void mtaExampleCompilesWithAFiveLineSetUp(@TempDir Path dir) throws Exception {
    String code = compileReadmeBlock("mta-example", 60, dir, "Sender");
    int start = code.indexOf("MtaSts.builder()");
    int end = code.indexOf(".build();", start);
    assertTrue(start >= 0 && end > start, code);
    long setUpLines = code.substring(start, end).lines().count();
    assertTrue(setUpLines <= 5, "the set-up takes " + setUpLines + " lines");
    assertTrue(code.contains(".store(") && code.contains(".reporting("), code);
  }

  /**
   * The testkit example in the README compiles, and its test passes against the real servers (this
   * module's surefire maps mta-sts.example.test to loopback, as the README tells users to).
   */
  @Test
  void testkitExampleCompilesAndPasses(@TempDir Path dir) throws Exception {
    compileReadmeBlock("testkit-example", 40, dir, "PolicyDiscoveryTest");

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Class<?> test = loader.loadClass("PolicyDiscoveryTest");
      int tests = 0;
      for (Method m : test.getDeclaredMethods()) {
        if (m.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
          var constructor = test.getDeclaredConstructor();
          constructor.setAccessible(true);
          m.setAccessible(true);
          try {
            m.invoke(constructor.newInstance());
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw new AssertionError("the README testkit example fails", e.getCause());
          }
          tests++;
        }
      }
      assertEquals(1, tests);
    }
  }

  /**
   * Compiles the Java block between {@code <!-- NAME:start -->} and {@code <!-- NAME:end -->} of the
   * README into {@code dir}, after checking that it stays short.
   */
  private static String compileReadmeBlock(String name, int maxLines, Path dir, String className)
      throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int start = readme.indexOf("<!-- " + name + ":start -->");
    int end = readme.indexOf("<!-- " + name + ":end -->");
    assertTrue(start >= 0 && end > start, "README has the block " + name);
    String block = readme.substring(start, end);
    String code = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```"));
    assertTrue(code.lines().count() <= maxLines, "the example stays short");

    Path source = dir.resolve(className + ".java");
    Files.writeString(source, code, StandardCharsets.UTF_8);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = compiler.run(null, null, diagnostics, "-d", dir.toString(),
        "-classpath", System.getProperty("java.class.path"), source.toString());
    assertEquals(0, rc, () -> "README block " + name + " does not compile:\n" + diagnostics);
    return code;
  }
}
