package dev.mtasts.james.javamail;

import dev.mtasts.james.MtaStsRefusal;
import dev.mtasts.james.internal.ConnectionGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;
import javax.mail.internet.InternetAddress;

/**
 * The MTA-STS SMTP transport for Apache James 3.8 (javax.mail 1.6): James's {@code RemoteDelivery}
 * uses it for every outbound connection when the mailet has the parameter {@code
 * <mail.smtp.class>dev.mtasts.james.javamail.SMTPTransport</mail.smtp.class>}. It is registered in
 * this jar's {@code META-INF/javamail.providers} under the protocol {@code smtp-mtasts}, so no other
 * mail session of the JVM is affected.
 *
 * <p>It is javax.mail's own SMTP transport with the MTA-STS decision added before {@code MAIL
 * FROM} (see {@link ConnectionGuard}): a refused MX host gets a {@link MessagingException} whose
 * next exception is an {@link MtaStsRefusal}, and James moves on to the next MX host, then keeps
 * the mail queued. Its simple name is {@code SMTPTransport} on purpose: James sends 8-bit messages
 * unchanged only through a transport of that name.
 */
public class SMTPTransport extends com.sun.mail.smtp.SMTPTransport {
  private final ConnectionGuard guard = new ConnectionGuard();

  /**
   * Creates the transport; called by {@code Session.getTransport}.
   *
   * @param session the session
   * @param urlname the URL name of the server
   */
  public SMTPTransport(Session session, URLName urlname) {
    super(session, urlname, "smtp", false);
  }

  @Override
  protected synchronized boolean protocolConnect(String host, int port, String user,
      String password) throws MessagingException {
    guard.beforeConnect(session.getProperties(), host, "mail.smtp");
    try {
      return super.protocolConnect(host, port, user, password);
    } finally {
      guard.afterConnect();
    }
  }

  @Override
  public synchronized void sendMessage(Message message, Address[] addresses)
      throws MessagingException {
    List<String> recipients = new ArrayList<>();
    if (addresses != null) {
      for (Address a : addresses) {
        recipients.add(a instanceof InternetAddress ia ? ia.getAddress() : String.valueOf(a));
      }
    }
    Optional<MtaStsRefusal> refusal = guard.beforeMailFrom(recipients, message::getHeader,
        isSSL(), getLastServerResponse());
    if (refusal.isPresent()) {
      close();
      throw new MessagingException(refusal.get().getMessage(), refusal.get());
    }
    super.sendMessage(message, addresses);
  }
}
