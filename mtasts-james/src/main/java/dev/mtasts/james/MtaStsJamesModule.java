package dev.mtasts.james;

import com.google.inject.AbstractModule;
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
 * a bad configuration stops the start-up with a message naming the key, instead of failing the
 * first delivery), installs it for the transports, and closes it when the JVM exits. Custom mailets
 * and matchers can {@code @Inject} the {@link MtaStsJames} or the {@link MtaSts}.
 */
public final class MtaStsJamesModule extends AbstractModule {

  /** Creates the module; James calls this constructor. */
  public MtaStsJamesModule() {}

  @Override
  protected void configure() {
    bind(MtaStsJames.class).toProvider(MtaStsJamesModule::sharedInstance).asEagerSingleton();
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

  private static MtaStsJames sharedInstance() {
    return MtaStsJames.shared();
  }
}
