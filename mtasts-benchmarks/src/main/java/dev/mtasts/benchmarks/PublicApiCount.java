package dev.mtasts.benchmarks;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Counts the public types of library jars: every class, interface, record and enum in a package the
 * jar's module exports, nested ones included, that code outside the module can name (it and every
 * type around it are public). Measures how large the API is that users see.
 *
 * <pre>
 * java -cp mtasts-benchmarks/target/benchmarks.jar dev.mtasts.benchmarks.PublicApiCount \
 *     mtasts-core/target/mtasts-core-*.jar mtasts-cache/target/mtasts-cache-*.jar
 * </pre>
 *
 * <p>With {@code -Dlist=true} it prints the types too. The classes are loaded without being
 * initialised; what they refer to comes from the class path the tool runs with.
 */
public final class PublicApiCount {
  private PublicApiCount() {}

  /**
   * Prints the count of each jar and the total.
   *
   * @param args the jars
   * @throws IOException when a jar cannot be read
   * @throws ClassNotFoundException when a class of a jar cannot be loaded
   */
  public static void main(String[] args) throws IOException, ClassNotFoundException {
    List<URL> urls = new ArrayList<>();
    for (String a : args) {
      urls.add(Path.of(a).toUri().toURL());
    }
    boolean list = Boolean.getBoolean("list");
    int total = 0;
    // The jars' own classes come from the jars, never from this tool's class path (which has its own
    // copy of the library); what they refer to comes from the tool's class path.
    ClassLoader dependencies = new ClassLoader(PublicApiCount.class.getClassLoader()) {
      @Override
      protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith("dev.mtasts.")) {
          throw new ClassNotFoundException(name);
        }
        return super.loadClass(name, resolve);
      }
    };
    try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), dependencies)) {
      for (String jarFile : args) {
        List<String> types = publicTypes(jarFile, loader);
        if (list) {
          types.forEach(t -> System.out.println("  " + t));
        }
        System.out.println(jarFile + ": " + types.size());
        total += types.size();
      }
    }
    System.out.println("total: " + total);
  }

  private static List<String> publicTypes(String jarFile, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    List<String> out = new ArrayList<>();
    try (JarFile jar = new JarFile(jarFile)) {
      JarEntry info = jar.getJarEntry("module-info.class");
      if (info == null) {
        throw new IOException(jarFile + " has no module descriptor, so no exported packages");
      }
      Set<String> exported = new HashSet<>();
      ModuleDescriptor.read(jar.getInputStream(info)).exports().forEach(e -> {
        if (!e.isQualified()) {
          exported.add(e.source());
        }
      });
      for (Enumeration<JarEntry> en = jar.entries(); en.hasMoreElements(); ) {
        String name = en.nextElement().getName();
        if (!name.endsWith(".class") || name.endsWith("module-info.class")
            || name.endsWith("package-info.class")) {
          continue;
        }
        String className = name.substring(0, name.length() - 6).replace('/', '.');
        if (!exported.contains(className.substring(0, className.lastIndexOf('.')))) {
          continue;
        }
        Class<?> c = Class.forName(className, false, loader);
        if (!c.isAnonymousClass() && !c.isLocalClass() && !c.isSynthetic() && reachable(c)) {
          out.add(className);
        }
      }
    }
    out.sort(null);
    return out;
  }

  private static boolean reachable(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
      if (!Modifier.isPublic(k.getModifiers())) {
        return false;
      }
    }
    return true;
  }
}
