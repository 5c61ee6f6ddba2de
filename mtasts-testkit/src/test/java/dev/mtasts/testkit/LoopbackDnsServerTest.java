package dev.mtasts.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mtasts.testkit.LoopbackDnsServer.Fault;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The wire behaviour of {@link LoopbackDnsServer}, seen through dnsjava's plain resolver. */
class LoopbackDnsServerTest {
  private LoopbackDnsServer dns;

  @BeforeEach
  void start() throws IOException {
    dns = LoopbackDnsServer.start();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private Message ask(String name, int type, boolean tcp) throws IOException {
    SimpleResolver r = new SimpleResolver(dns.address());
    r.setTimeout(Duration.ofMillis(300));
    r.setTCP(tcp);
    r.setIgnoreTruncation(true);
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN)));
  }

  private Message ask(String name, int type) throws IOException {
    return ask(name, type, false);
  }

  @Test
  void listensOnLoopbackForUdpAndTcpOnOnePort() throws IOException {
    assertEquals(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), dns.address().getAddress());
    assertEquals(dns.address().getPort(), dns.port());
    dns.txt("both.test", "hello");
    for (boolean tcp : new boolean[] {false, true}) {
      Message m = ask("both.test", Type.TXT, tcp);
      assertEquals(Rcode.NOERROR, m.getRcode());
      assertTrue(m.getHeader().getFlag(Flags.AA));
      assertTrue(m.getHeader().getFlag(Flags.QR));
      List<Record> answer = m.getSection(Section.ANSWER);
      assertEquals(1, answer.size());
      assertEquals(List.of("hello"), ((TXTRecord) answer.get(0)).getStrings());
      assertEquals(300, answer.get(0).getTTL());
    }
    assertEquals(2, dns.queryCount("both.test", "TXT"));
  }

  @Test
  void servesEveryRecordType() throws IOException {
    dns.ttl(Duration.ofSeconds(77))
        .a("host.test", "192.0.2.1")
        .aaaa("host.test", "2001:db8::1")
        .mx("host.test", 10, "mx.host.test")
        .txt("host.test", "a", "b");
    assertEquals(
        InetAddress.getByName("192.0.2.1"),
        ((ARecord) ask("host.test", Type.A).getSection(Section.ANSWER).get(0)).getAddress());
    assertEquals(
        InetAddress.getByName("2001:db8::1"),
        ((AAAARecord) ask("host.test", Type.AAAA).getSection(Section.ANSWER).get(0)).getAddress());
    MXRecord mx = (MXRecord) ask("host.test", Type.MX).getSection(Section.ANSWER).get(0);
    assertEquals(10, mx.getPriority());
    assertEquals(Name.fromString("mx.host.test."), mx.getTarget());
    assertEquals(77, mx.getTTL());
    TXTRecord txt = (TXTRecord) ask("host.test", Type.TXT).getSection(Section.ANSWER).get(0);
    assertEquals(List.of("a", "b"), txt.getStrings());
  }

  @Test
  void unknownNameIsNxdomainWithSoa() throws IOException {
    Message m = ask("nothing.test", Type.TXT);
    assertEquals(Rcode.NXDOMAIN, m.getRcode());
    assertTrue(m.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void knownNameWithoutTheTypeIsNodataWithSoa() throws IOException {
    dns.a("nodata.test", "192.0.2.1");
    Message m = ask("nodata.test", Type.TXT);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertTrue(m.getSection(Section.ANSWER).isEmpty());
    assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType());
  }

  @Test
  void cnameChainComesInOneAnswer() throws IOException {
    dns.cname("alias.test", "hop.test").cname("hop.test", "target.test").txt("target.test", "t");
    List<Record> answer = ask("alias.test", Type.TXT).getSection(Section.ANSWER);
    assertEquals(3, answer.size());
    assertEquals(Name.fromString("hop.test."), ((CNAMERecord) answer.get(0)).getTarget());
    assertEquals(Name.fromString("target.test."), ((CNAMERecord) answer.get(1)).getTarget());
    assertEquals(List.of("t"), ((TXTRecord) answer.get(2)).getStrings());
    // Asked for the CNAME itself, the server gives just that.
    assertEquals(1, ask("alias.test", Type.CNAME).getSection(Section.ANSWER).size());
  }

  @Test
  void cnameToAMissingNameIsNxdomainWithTheCname() throws IOException {
    dns.cname("dangling.test", "gone.test");
    Message m = ask("dangling.test", Type.TXT);
    assertEquals(Rcode.NXDOMAIN, m.getRcode());
    assertEquals(Type.CNAME, m.getSection(Section.ANSWER).get(0).getType());
  }

  @Test
  void cnameLoopEndsWhereItCloses() throws IOException {
    dns.cname("loop1.test", "loop2.test").cname("loop2.test", "loop1.test");
    Message m = ask("loop1.test", Type.TXT);
    assertEquals(Rcode.NOERROR, m.getRcode());
    assertEquals(2, m.getSection(Section.ANSWER).size());
  }

  @Test
  void namesIgnoreCaseAndTrailingDot() throws IOException {
    dns.txt("MiXeD.Test.", "x");
    assertEquals(1, ask("mixed.test", Type.TXT).getSection(Section.ANSWER).size());
    assertEquals(1, dns.queryCount("MIXED.TEST", "txt"));
  }

  @Test
  void countsQueriesPerNameAndType() throws IOException {
    dns.txt("count.test", "x");
    ask("count.test", Type.TXT);
    ask("count.test", Type.TXT);
    ask("count.test", Type.MX);
    ask("other.test", Type.A);
    assertEquals(2, dns.queryCount("count.test", "TXT"));
    assertEquals(1, dns.queryCount("count.test", "MX"));
    assertEquals(0, dns.queryCount("count.test", "A"));
    assertEquals(3, dns.queryCount("count.test"));
    assertEquals(4, dns.queryCount());
    dns.resetQueryCounts();
    assertEquals(0, dns.queryCount());
  }

  @Test
  void changesApplyToTheNextQuery() throws IOException {
    dns.txt("change.test", "old").a("change.test", "192.0.2.1");
    dns.remove("change.test", "TXT").txt("change.test", "new");
    assertEquals(
        List.of("new"),
        ((TXTRecord) ask("change.test", Type.TXT).getSection(Section.ANSWER).get(0)).getStrings());
    dns.remove("change.test", "TXT");
    Message nodata = ask("change.test", Type.TXT);
    assertEquals(Rcode.NOERROR, nodata.getRcode());
    assertTrue(nodata.getSection(Section.ANSWER).isEmpty());
    dns.remove("change.test");
    assertEquals(Rcode.NXDOMAIN, ask("change.test", Type.A).getRcode());
  }

  @Test
  void servfailAndRefused() throws IOException {
    dns.txt("sf.test", "x").fault("sf.test", Fault.SERVFAIL);
    dns.txt("ref.test", "x").fault("ref.test", Fault.REFUSED);
    Message sf = ask("sf.test", Type.TXT);
    assertEquals(Rcode.SERVFAIL, sf.getRcode());
    assertTrue(sf.getSection(Section.ANSWER).isEmpty());
    assertEquals(Rcode.REFUSED, ask("ref.test", Type.TXT, true).getRcode());
  }

  @Test
  void faultForATypeTakesPrecedenceAndFaultsClear() throws IOException {
    dns.txt("f.test", "x").a("f.test", "192.0.2.1");
    dns.fault("f.test", Fault.REFUSED).fault("f.test", "TXT", Fault.SERVFAIL);
    assertEquals(Rcode.SERVFAIL, ask("f.test", Type.TXT).getRcode());
    assertEquals(Rcode.REFUSED, ask("f.test", Type.A).getRcode());
    dns.clearFault("f.test");
    assertEquals(Rcode.NOERROR, ask("f.test", Type.TXT).getRcode());
    dns.fault("f.test", Fault.SERVFAIL).clearFaults();
    assertEquals(Rcode.NOERROR, ask("f.test", Type.A).getRcode());
  }

  @Test
  void dropSendsNothingOverUdpOrTcp() {
    dns.txt("drop.test", "x").fault("drop.test", Fault.DROP);
    assertThrows(IOException.class, () -> ask("drop.test", Type.TXT, false));
    assertThrows(IOException.class, () -> ask("drop.test", Type.TXT, true));
    assertEquals(2, dns.queryCount("drop.test", "TXT"));
  }

  @Test
  void truncateSetsTcOverUdpAndAnswersOverTcp() throws IOException {
    dns.txt("tc.test", "x").fault("tc.test", Fault.TRUNCATE);
    Message udp = ask("tc.test", Type.TXT, false);
    assertTrue(udp.getHeader().getFlag(Flags.TC));
    assertTrue(udp.getSection(Section.ANSWER).isEmpty());
    Message tcp = ask("tc.test", Type.TXT, true);
    assertFalse(tcp.getHeader().getFlag(Flags.TC));
    assertEquals(1, tcp.getSection(Section.ANSWER).size());
  }

  @Test
  void truncateTcpFailClosesTcpWithoutAnswer() throws IOException {
    dns.txt("tcf.test", "x").fault("tcf.test", Fault.TRUNCATE_TCP_FAIL);
    assertTrue(ask("tcf.test", Type.TXT, false).getHeader().getFlag(Flags.TC));
    assertThrows(IOException.class, () -> ask("tcf.test", Type.TXT, true));
  }

  @Test
  void largeAnswersAreTruncatedOverUdpAsTheQueryAllows() throws IOException {
    for (int i = 0; i < 5; i++) {
      dns.txt("large.test", i + "x".repeat(200));
    }
    SimpleResolver r = new SimpleResolver(dns.address());
    r.setTimeout(Duration.ofMillis(300));
    r.setIgnoreTruncation(true);
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString("large.test."), Type.TXT, DClass.IN));
    r.setEDNS(-1); // no EDNS: 512 bytes
    assertTrue(r.send(query).getHeader().getFlag(Flags.TC));
    r.setEDNS(0, 4096, 0, List.of());
    Message big = r.send(query);
    assertFalse(big.getHeader().getFlag(Flags.TC));
    assertEquals(5, big.getSection(Section.ANSWER).size());
  }

  @Test
  void wrongIdRepliesWithAnotherId() throws IOException {
    dns.txt("id.test", "x").fault("id.test", Fault.WRONG_ID);
    Message query =
        Message.newQuery(Record.newRecord(Name.fromString("id.test."), Type.TXT, DClass.IN));
    query.getHeader().setID(4660);
    byte[] out = query.toWire();
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(2000);
      socket.send(new DatagramPacket(out, out.length, dns.address()));
      byte[] in = new byte[512];
      DatagramPacket packet = new DatagramPacket(in, in.length);
      socket.receive(packet);
      Message reply = new Message(java.util.Arrays.copyOf(in, packet.getLength()));
      assertNotEquals(4660, reply.getHeader().getID());
      assertEquals(1, reply.getSection(Section.ANSWER).size());
    }
  }

  @Test
  void rawTxtBytesAreServedAsGiven() throws IOException {
    byte[] raw = {(byte) 0x80, (byte) 0xff, '"', '\\', 0};
    dns.txtBytes("raw.test", raw);
    TXTRecord txt = (TXTRecord) ask("raw.test", Type.TXT).getSection(Section.ANSWER).get(0);
    assertEquals(1, txt.getStringsAsByteArrays().size());
    assertTrue(java.util.Arrays.equals(raw, txt.getStringsAsByteArrays().get(0)));
  }

  @Test
  void refusesBadInput() {
    assertThrows(IllegalArgumentException.class, () -> dns.a("x.test", "999.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> dns.a("x.test", "mx.example.com"));
    assertThrows(IllegalArgumentException.class, () -> dns.aaaa("x.test", "192.0.2.1"));
    assertThrows(IllegalArgumentException.class, () -> dns.mx("x.test", 65536, "mx.test"));
    assertThrows(IllegalArgumentException.class, () -> dns.txt("x.test", "y".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> dns.txt("", "y"));
    assertThrows(IllegalArgumentException.class, () -> dns.txt("a..b", "y"));
    assertThrows(IllegalArgumentException.class, () -> dns.queryCount("x.test", "NOPE"));
    assertThrows(IllegalArgumentException.class, () -> dns.ttl(Duration.ofSeconds(-1)));
  }

  @Test
  void closeStopsAnswering() throws IOException {
    dns.txt("closed.test", "x");
    assertEquals(Rcode.NOERROR, ask("closed.test", Type.TXT).getRcode());
    dns.close();
    assertThrows(IOException.class, () -> ask("closed.test", Type.TXT, false));
    assertThrows(IOException.class, () -> ask("closed.test", Type.TXT, true));
    dns.close(); // twice is harmless
  }
}
