package dev.mtasts.internal;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Trust stores and TLS client contexts built from them, for the builders that take trust. */
public final class Trust {
  private Trust() {}

  /**
   * A key store holding exactly these certificates as trusted entries.
   *
   * @param certificates the trust anchors; at least one
   * @return the store
   * @throws IllegalArgumentException when the collection is empty or the store cannot be built
   */
  public static KeyStore keyStore(Collection<? extends X509Certificate> certificates) {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no trusted certificates given");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) {
        store.setCertificateEntry("ca-" + i++, Objects.requireNonNull(c, "certificate"));
      }
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a trust store: " + e.getMessage(), e);
    }
  }

  /**
   * A TLS client context that trusts a trust store's certificates (PKIX), and only those.
   *
   * @param trustStore the trust store
   * @return the context
   * @throws IllegalArgumentException when the store cannot be used as a trust store
   */
  public static SSLContext clientContext(KeyStore trustStore) {
    Objects.requireNonNull(trustStore, "trustStore");
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(trustStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trust store: " + e.getMessage(), e);
    }
  }
}
