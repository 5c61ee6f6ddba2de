package dev.mtasts.james;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.mtasts.decision.MtaSts;

/**
 * The Guice extension module that gives a James server its one {@link MtaStsJames}: list it in
 * James's {@code conf/extensions.properties} as
 *
 * <pre>
 * guice.extension.module=dev.mtasts.james.MtaStsJamesModule
 * </pre>
 *
 * <p>It builds the instance when James starts, from {@link MtaStsJames#fromDefaultLocation()} (so
 * a bad configuration stops the start-up with a message naming the key, instead of holding back the
 * first deliveries), installs it for the transports, and closes it when the JVM exits. Custom
 * mailets and matchers can {@code @Inject} the {@link MtaStsJames} or the {@link MtaSts}. Only
 * Guice's own annotations are used, so the module works with the Guice of James 3.8 (5.1) and
 * newer.
 */
public final class MtaStsJamesModule extends AbstractModule {

  /** Creates the module; James calls this constructor. */
  public MtaStsJamesModule() {}

  @Override
  protected void configure() {
    bind(StartUp.class).asEagerSingleton();
  }

  /**
   * Provides the shared instance: the one installed, else built from the configuration file.
   *
   * @return the shared instance
   */
  @Provides
  @Singleton
  MtaStsJames mtaStsJames() {
    return MtaStsJames.shared();
  }

  /**
   * Provides the facade of the shared instance.
   *
   * @param shared the shared instance
   * @return its facade
   */
  @Provides
  @Singleton
  MtaSts mtaSts(MtaStsJames shared) {
    return shared.mtaSts();
  }

  /** Makes Guice build the shared instance while James starts. */
  static final class StartUp {
    @Inject
    StartUp(MtaStsJames shared) {
      // nothing more: building it is the point
    }
  }
}
