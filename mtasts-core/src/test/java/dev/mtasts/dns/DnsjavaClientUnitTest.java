package dev.mtasts.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.WireParseException;
import org.xbill.DNS.lookup.InvalidZoneDataException;
import org.xbill.DNS.lookup.LookupFailedException;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.RedirectLoopException;
import org.xbill.DNS.lookup.RedirectOverflowException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * The pieces of {@link DnsjavaClient} that need no server: name checks, the mapping of dnsjava's
 * failures and the assembly of answers. The outcomes on the wire are tested against a loopback
 * server in mtasts-testkit.
 */
class DnsjavaClientUnitTest {
  private static final InetSocketAddress NOWHERE =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
  private static final Name NAME = Name.fromConstantString("_mta-sts.example.com.");

  private final DnsjavaClient client =
      DnsjavaClient.builder()
          .server(NOWHERE)
          .timeout(Duration.ofMillis(250))
          .deadline(Duration.ofSeconds(2))
          .build();

  // -- names ------------------------------------------------------------------------------------

  @Test
  void queryNamesAreLowerCaseAsciiWithoutTheTrailingDot() {
    assertEquals("_mta-sts.example.com", DnsjavaClient.toQueryName("_MTA-STS.Example.COM."));
    assertEquals("_smtp._tls.example.com", DnsjavaClient.toQueryName("_smtp._tls.example.com"));
    assertEquals("xn--bcher-kva.example", DnsjavaClient.toQueryName("b\u00fccher.example"));
    assertEquals("localhost", DnsjavaClient.toQueryName("localhost"));
  }

  @Test
  void longestNameIsAccepted() {
    String label = "a".repeat(63);
    String name = label + "." + label + "." + label + "." + "a".repeat(61); // 253 characters
    assertEquals(253, name.length());
    assertEquals(name, DnsjavaClient.toQueryName(name + "."));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ".",
        "a b.example",
        "example..com",
        ".example.com",
        "example.com..",
        "*.example.com",
        "ex\"ample.com",
        "ex\\065mple.com",
        "exa\u0000mple.com",
        "example.com\n"
      })
  void invalidNamesAreRefused(String name) {
    assertThrows(IllegalArgumentException.class, () -> DnsjavaClient.toQueryName(name));
  }

  @Test
  void overlongNamesAndLabelsAreRefused() {
    String label = "a".repeat(63);
    String name254 = label + "." + label + "." + label + "." + "a".repeat(62);
    assertEquals(254, name254.length());
    assertThrows(IllegalArgumentException.class, () -> DnsjavaClient.toQueryName(name254));
    assertThrows(IllegalArgumentException.class, () -> DnsjavaClient.toQueryName("a".repeat(300)));
    assertThrows(
        IllegalArgumentException.class, () -> DnsjavaClient.toQueryName("a".repeat(64) + ".com"));
  }

  @Test
  void invalidNamesFailBeforeAnyLookupStarts() {
    assertThrows(IllegalArgumentException.class, () -> client.txtAsync("a b.example"));
    assertThrows(IllegalArgumentException.class, () -> client.mxAsync("a".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> client.txt("bad..name"));
    assertThrows(NullPointerException.class, () -> client.txtAsync(null));
  }

  @Test
  void invalidNamesAreQuotedInTheMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> DnsjavaClient.toQueryName("a\nb.example"));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().contains("a\\x0ab.example"), e.getMessage());
  }

  // -- failures ---------------------------------------------------------------------------------

  @Test
  void nxdomainIsNoSuchNameEvenWhenWrapped() {
    Throwable t = new CompletionException(new NoSuchDomainException(NAME, Type.TXT));
    assertEquals(new DnsResult.NoSuchName<>(), client.failure("x/TXT", t, DnsResult.NoData::new));
    Throwable twice = new CompletionException(new ExecutionException(t));
    assertEquals(
        new DnsResult.NoSuchName<>(), client.failure("x/TXT", twice, DnsResult.NoData::new));
  }

  @Test
  void cachedNodataIsNoData() {
    Throwable t = new CompletionException(new NoSuchRRSetException(NAME, Type.TXT));
    assertEquals(new DnsResult.NoData<>(), client.failure("x/TXT", t, DnsResult.NoData::new));
    DnsResult<MxRecords> mx =
        client.failure(
            "x/MX",
            t,
            () -> new DnsResult.Answer<MxRecords>(new MxRecords.Implicit("x"), Duration.ZERO));
    assertEquals(new DnsResult.Answer<>(new MxRecords.Implicit("x"), Duration.ZERO), mx);
  }

  @Test
  void servfailKeepsTheExtendedErrorEscaped() {
    ServerFailedException sf =
        new ServerFailedException(
            NAME,
            Type.TXT,
            new ExtendedErrorCodeOption(ExtendedErrorCodeOption.DNSSEC_BOGUS, "bad\nsig"));
    DnsResult.TemporaryFailure<Object> f = client.temporaryFailure("x/TXT", sf);
    assertEquals(DnsResult.Reason.SERVER_FAILURE, f.reason());
    assertTrue(f.detail().contains("extended error 6"), f.detail());
    assertTrue(f.detail().contains("'bad\\x0asig'"), f.detail());
    assertEquals(
        DnsResult.Reason.SERVER_FAILURE,
        client.temporaryFailure("x/TXT", new ServerFailedException(NAME, Type.TXT)).reason());
  }

  @Test
  void responseCodes() {
    assertEquals(DnsResult.Reason.REFUSED, reason(new ServerResolver.RcodeException(Rcode.REFUSED, NOWHERE)));
    assertEquals(DnsResult.Reason.OTHER, reason(new ServerResolver.RcodeException(Rcode.NOTIMP, NOWHERE)));
    assertEquals(DnsResult.Reason.OTHER, reason(new ServerResolver.RcodeException(Rcode.FORMERR, NOWHERE)));
    assertTrue(
        client
            .temporaryFailure("x/TXT", new ServerResolver.RcodeException(Rcode.NOTIMP, NOWHERE))
            .detail()
            .startsWith("NOTIMP for x/TXT"));
  }

  @Test
  void timeouts() {
    assertEquals(DnsResult.Reason.TIMEOUT, reason(new SocketTimeoutException("Query timed out")));
    assertEquals(
        DnsResult.Reason.TIMEOUT,
        reason(new IOException("Timed out while trying to resolve x./TXT, id=1")));
    DnsResult.TemporaryFailure<Object> deadline =
        client.temporaryFailure("x/TXT", new TimeoutException());
    assertEquals(DnsResult.Reason.TIMEOUT, deadline.reason());
    assertTrue(deadline.detail().contains("deadline of 2000 ms"), deadline.detail());
  }

  @Test
  void truncatedAndTcpFailed() {
    IOException tcp = new IOException("Connection reset");
    DnsResult.TemporaryFailure<Object> f =
        client.temporaryFailure("x/TXT", new ServerResolver.TruncatedException(NOWHERE, tcp));
    assertEquals(DnsResult.Reason.TRUNCATED, f.reason());
    assertTrue(f.detail().contains("IOException: 'Connection reset'"), f.detail());
  }

  @Test
  void badAnswers() {
    assertEquals(DnsResult.Reason.BAD_ANSWER, reason(new RedirectLoopException(16)));
    assertEquals(DnsResult.Reason.BAD_ANSWER, reason(new RedirectOverflowException(16)));
    assertEquals(
        DnsResult.Reason.BAD_ANSWER,
        reason(new InvalidZoneDataException("Multiple CNAME RRs not allowed")));
    assertEquals(
        DnsResult.Reason.BAD_ANSWER, reason(new WireParseException("invalid message id")));
    // LookupSession wraps a WireParseException from Message.normalize (package-private constructor).
    WireParseException wire = new WireParseException("bad");
    LookupFailedException normalization =
        new LookupFailedException("Message normalization failed") {
          private static final long serialVersionUID = 1L;

          @Override
          public synchronized Throwable getCause() {
            return wire;
          }
        };
    assertEquals(DnsResult.Reason.BAD_ANSWER, reason(normalization));
  }

  @Test
  void attackerTextInDetailsIsEscapedAndCut() {
    String evil = "got id \u001b[31m\r\nFAKE LOG LINE " + "x".repeat(200);
    DnsResult.TemporaryFailure<Object> f =
        client.temporaryFailure("x/TXT", new WireParseException(evil));
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertFalse(f.detail().contains("\n"), f.detail());
    assertFalse(f.detail().contains("\r"), f.detail());
    assertFalse(f.detail().contains("\u001b"), f.detail());
    assertTrue(f.detail().length() < 200, f.detail());
  }

  @Test
  void everythingElseIsOther() {
    assertEquals(DnsResult.Reason.OTHER, reason(new PortUnreachableException()));
    assertEquals(DnsResult.Reason.OTHER, reason(new IOException("Connection refused")));
    assertEquals(
        DnsResult.Reason.OTHER, reason(new LookupFailedException("Unknown non-success error")));
    assertEquals(DnsResult.Reason.OTHER, reason(new IllegalStateException("bug")));
  }

  private DnsResult.Reason reason(Throwable t) {
    DnsResult<Object> r = client.failure("x/TXT", new CompletionException(t), DnsResult.NoData::new);
    return assertInstanceOf(DnsResult.TemporaryFailure.class, r).reason();
  }

  // -- answers ----------------------------------------------------------------------------------

  @Test
  void txtJoinsStringsAndMapsBytesOneToOne() throws IOException {
    Record r1 = txt(300, new byte[] {'v', '=', 'S'}, new byte[] {'T', 'S', 'v', '1', ';'});
    Record r2 = txt(60, new byte[] {(byte) 0x80, (byte) 0xff, (byte) 0xc3, (byte) 0xa9, 0});
    assertEquals(
        new DnsResult.Answer<>(List.of("v=STSv1;", "\u0080\u00ff\u00c3\u00a9\u0000"), Duration.ofSeconds(60)),
        DnsjavaClient.txtAnswer(List.of(r1, r2)));
  }

  @Test
  void mxOrderedByPreferenceStableAndLowerCase() {
    DnsResult<MxRecords> r =
        DnsjavaClient.mxAnswer(
            "example.com",
            List.of(mx(20, "B.example.com.", 300), mx(10, "a.example.com.", 200), mx(20, "c.EXAMPLE.com.", 100)));
    assertEquals(
        new DnsResult.Answer<>(
            new MxRecords.Explicit(
                List.of(
                    new MxHost(10, "a.example.com"),
                    new MxHost(20, "b.example.com"),
                    new MxHost(20, "c.example.com"))),
            Duration.ofSeconds(100)),
        r);
  }

  @Test
  void nullMxAloneIsNullMx() {
    assertEquals(
        new DnsResult.Answer<>(new MxRecords.NullMx(), Duration.ofSeconds(300)),
        DnsjavaClient.mxAnswer("example.com", List.of(mx(0, ".", 300))));
  }

  @Test
  void nullMxBesideOtherMxIsABadAnswer() {
    DnsResult<MxRecords> r =
        DnsjavaClient.mxAnswer(
            "example.com", List.of(mx(0, ".", 300), mx(10, "mx.example.com.", 300)));
    DnsResult.TemporaryFailure<?> f = assertInstanceOf(DnsResult.TemporaryFailure.class, r);
    assertEquals(DnsResult.Reason.BAD_ANSWER, f.reason());
    assertTrue(f.detail().contains("RFC 7505"), f.detail());
  }

  private static Record txt(long ttl, byte[]... strings) throws IOException {
    int len = 0;
    for (byte[] s : strings) {
      len += s.length + 1;
    }
    byte[] rdata = new byte[len];
    int pos = 0;
    for (byte[] s : strings) {
      rdata[pos++] = (byte) s.length;
      System.arraycopy(s, 0, rdata, pos, s.length);
      pos += s.length;
    }
    return Record.newRecord(NAME, Type.TXT, DClass.IN, ttl, rdata);
  }

  private static Record mx(int preference, String target, long ttl) {
    return new MXRecord(
        Name.fromConstantString("example.com."),
        DClass.IN,
        ttl,
        preference,
        Name.fromConstantString(target));
  }
}
