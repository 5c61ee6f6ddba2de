package dev.mtasts.testkit;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * An authoritative DNS server for tests, on 127.0.0.1, answering over UDP and TCP on the same
 * ephemeral port, with its data given in code.
 *
 * <p>The server answers every name it has records for, with the AA flag set; it is authoritative for
 * the whole name space:
 *
 * <ul>
 *   <li>a name without records: NXDOMAIN, with an SOA record in the authority section;
 *   <li>a name with records, but none of the type asked for: NODATA (NOERROR, no answer, SOA in the
 *       authority section);
 *   <li>a name with a CNAME (and no records of the type asked for): the CNAME, followed by the chain
 *       as far as the server's data reaches, all in one answer; the response code is the one of the
 *       end of the chain (NXDOMAIN when the last target does not exist). A loop ends the chain where
 *       it closes, so a client sees the loop.
 * </ul>
 *
 * <p>The server does not check that its data makes a sound zone (a CNAME beside other records, two
 * CNAMEs for one name, a null MX beside other MX records are all served as given), so that tests can
 * serve broken data. Names are compared ignoring ASCII case; a trailing dot is optional everywhere.
 * Answers over UDP are truncated (TC flag) when they exceed 512 bytes, or the EDNS payload size the
 * query offers.
 *
 * <p>Faults can be injected for a name, or for one type at a name ({@link Fault}): SERVFAIL, REFUSED,
 * no answer at all, truncation over UDP (with or without a working TCP fallback) and answers with a
 * wrong message id. The server counts the queries it receives per name and type, so a test can
 * assert how many queries a client sent.
 *
 * <p>All methods are thread-safe; the data and the faults can be changed while the server runs, and
 * a change applies to the next query. Each change is atomic on its own; a query that arrives between
 * two calls sees the state after the first.
 *
 * <p>Example, with a JUnit 5 test and this project's {@code DnsjavaClient}:
 *
 * <pre>{@code
 * try (LoopbackDnsServer dns = LoopbackDnsServer.start()) {
 *   dns.txt("_mta-sts.example.com", "v=STSv1; id=20240101")
 *       .mx("example.com", 10, "mx1.example.com")
 *       .fault("_smtp._tls.example.com", LoopbackDnsServer.Fault.SERVFAIL);
 *
 *   DnsClient client = DnsjavaClient.builder()
 *       .server(dns.address())
 *       .timeout(Duration.ofMillis(500))
 *       .build();
 *
 *   assertEquals(
 *       new DnsResult.Answer<>(List.of("v=STSv1; id=20240101"), Duration.ofMinutes(5)),
 *       client.txt("_mta-sts.example.com"));
 *   assertEquals(1, dns.queryCount("_mta-sts.example.com", "TXT"));
 * }
 * }</pre>
 *
 * <p>The server binds to the loopback interface only and never sends anything elsewhere.
 */
public final class LoopbackDnsServer implements AutoCloseable {

  /** A fault the server can inject instead of, or into, a normal answer. */
  public enum Fault {
    /** Answer SERVFAIL (response code 2) with no records. */
    SERVFAIL,
    /** Answer REFUSED (response code 5) with no records. */
    REFUSED,
    /** Send no answer at all, over UDP or TCP, so the client times out. */
    DROP,
    /**
     * Over UDP, answer with the TC (truncated) flag set and no records; over TCP, answer normally. A
     * client that retries over TCP gets the full answer.
     */
    TRUNCATE,
    /**
     * Over UDP, answer with the TC flag set and no records; over TCP, read the query and close the
     * connection without answering. A client gets no usable answer.
     */
    TRUNCATE_TCP_FAIL,
    /**
     * Answer normally, but with a message id that differs from the query's, as an off-path attacker
     * guessing ids would; over UDP and TCP.
     */
    WRONG_ID
  }

  /** The TTL of records added before any call to {@link #ttl(Duration)}: five minutes. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

  /** The TTL, and minimum TTL, of the SOA record in negative answers, in seconds. */
  static final long NEGATIVE_TTL = 60;

  private static final Logger log = LoggerFactory.getLogger(LoopbackDnsServer.class);
  private static final int MAX_CHAIN = 32;
  private static final int MIN_UDP_SIZE = 512;
  private static final int ANY_TYPE = -1;
  private static final SOARecord SOA =
      new SOARecord(
          Name.root,
          DClass.IN,
          NEGATIVE_TTL,
          Name.fromConstantString("ns.invalid."),
          Name.fromConstantString("hostmaster.invalid."),
          1,
          3600,
          600,
          86400,
          NEGATIVE_TTL);

  private final DatagramSocket udp;
  private final ServerSocket tcp;
  private final InetSocketAddress address;
  private final Thread udpThread;
  private final Thread tcpThread;
  private final ExecutorService connections;
  private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private final Object lock = new Object();
  // Guarded by lock. Name equality and hash codes ignore case.
  private final Map<Name, List<Record>> records = new HashMap<>();
  private final Map<Key, Fault> faults = new HashMap<>();
  private long ttlSeconds = DEFAULT_TTL.toSeconds();

  private final Map<Key, AtomicInteger> counts = new ConcurrentHashMap<>();

  private LoopbackDnsServer(DatagramSocket udp, ServerSocket tcp) {
    this.udp = udp;
    this.tcp = tcp;
    this.address = (InetSocketAddress) udp.getLocalSocketAddress();
    this.connections =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "loopback-dns-tcp-" + address.getPort());
              t.setDaemon(true);
              return t;
            });
    this.udpThread = new Thread(this::serveUdp, "loopback-dns-udp-" + address.getPort());
    this.tcpThread = new Thread(this::acceptTcp, "loopback-dns-accept-" + address.getPort());
    udpThread.setDaemon(true);
    tcpThread.setDaemon(true);
  }

  /**
   * Starts a server on 127.0.0.1, on an ephemeral port that is free for both UDP and TCP. It serves
   * no records until some are added.
   *
   * @return the running server; close it when done
   * @throws IOException when no port could be bound
   */
  public static LoopbackDnsServer start() throws IOException {
    InetAddress loopback = InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    IOException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
      ServerSocket tcp = new ServerSocket();
      try {
        tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()), 50);
      } catch (BindException e) {
        // The TCP port is taken; try another UDP port.
        last = e;
        udp.close();
        tcp.close();
        continue;
      }
      LoopbackDnsServer server = new LoopbackDnsServer(udp, tcp);
      server.udpThread.start();
      server.tcpThread.start();
      log.debug("Loopback DNS server listening on {}", server.address);
      return server;
    }
    throw new IOException("no port free for both UDP and TCP on 127.0.0.1", last);
  }

  /**
   * Returns where the server listens, for UDP and TCP alike.
   *
   * @return 127.0.0.1 and the port
   */
  public InetSocketAddress address() {
    return address;
  }

  /**
   * Returns the port the server listens on, for UDP and TCP alike.
   *
   * @return the port
   */
  public int port() {
    return address.getPort();
  }

  /**
   * Sets the TTL of the records added after this call; records already added keep theirs. The
   * default is {@link #DEFAULT_TTL}. Negative answers always carry an SOA record with a TTL and
   * minimum of 60 seconds.
   *
   * @param ttl the TTL, 0 to 2147483647 seconds (fractions of a second are dropped)
   * @return this server
   * @throws IllegalArgumentException when the TTL is out of range
   */
  public LoopbackDnsServer ttl(Duration ttl) {
    long seconds = ttl.getSeconds();
    if (ttl.isNegative() || seconds > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("TTL out of range: " + ttl);
    }
    synchronized (lock) {
      ttlSeconds = seconds;
    }
    return this;
  }

  /**
   * Adds a TXT record. Each string becomes one character-string of the record, encoded in UTF-8;
   * calling this twice for a name gives the name two records.
   *
   * @param name the owner name, for example {@code "_mta-sts.example.com"}
   * @param strings the character-strings; none gives one empty string
   * @return this server
   * @throws IllegalArgumentException when the name is invalid or a string is longer than 255 bytes
   */
  public LoopbackDnsServer txt(String name, String... strings) {
    byte[][] bytes = new byte[strings.length][];
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
    }
    return txtBytes(name, bytes);
  }

  /**
   * Adds a TXT record from raw bytes, for records that are not valid text: each array becomes one
   * character-string, as it is.
   *
   * @param name the owner name
   * @param strings the character-strings; none gives one empty string
   * @return this server
   * @throws IllegalArgumentException when the name is invalid or a string is longer than 255 bytes
   */
  public LoopbackDnsServer txtBytes(String name, byte[]... strings) {
    Name owner = toName(name);
    int length = 0;
    for (byte[] s : strings) {
      if (s.length > 255) {
        throw new IllegalArgumentException("a character-string holds at most 255 bytes");
      }
      length += 1 + s.length;
    }
    if (strings.length == 0) {
      strings = new byte[][] {new byte[0]};
      length = 1;
    }
    byte[] rdata = new byte[length];
    int pos = 0;
    for (byte[] s : strings) {
      rdata[pos++] = (byte) s.length;
      System.arraycopy(s, 0, rdata, pos, s.length);
      pos += s.length;
    }
    synchronized (lock) {
      return add(Record.newRecord(owner, Type.TXT, DClass.IN, ttlSeconds, rdata));
    }
  }

  /**
   * Adds an MX record.
   *
   * @param name the domain, for example {@code "example.com"}
   * @param preference the preference, 0 to 65535
   * @param host the exchange, for example {@code "mx1.example.com"}; {@code "."} for a null MX (RFC
   *     7505)
   * @return this server
   * @throws IllegalArgumentException when a name is invalid or the preference out of range
   */
  public LoopbackDnsServer mx(String name, int preference, String host) {
    Name owner = toName(name);
    Name target = toName(host);
    if (preference < 0 || preference > 0xffff) {
      throw new IllegalArgumentException("preference out of range: " + preference);
    }
    synchronized (lock) {
      return add(new MXRecord(owner, DClass.IN, ttlSeconds, preference, target));
    }
  }

  /**
   * Adds an A record.
   *
   * @param name the owner name
   * @param ipv4 the address in dotted-quad form, for example {@code "192.0.2.1"}
   * @return this server
   * @throws IllegalArgumentException when the name or the address is invalid
   */
  public LoopbackDnsServer a(String name, String ipv4) {
    Name owner = toName(name);
    InetAddress address = literal(ipv4, Address.IPv4);
    synchronized (lock) {
      return add(new ARecord(owner, DClass.IN, ttlSeconds, address));
    }
  }

  /**
   * Adds an AAAA record.
   *
   * @param name the owner name
   * @param ipv6 the address in colon-hexadecimal form, for example {@code "2001:db8::1"}
   * @return this server
   * @throws IllegalArgumentException when the name or the address is invalid
   */
  public LoopbackDnsServer aaaa(String name, String ipv6) {
    Name owner = toName(name);
    InetAddress address = literal(ipv6, Address.IPv6);
    synchronized (lock) {
      return add(new AAAARecord(owner, DClass.IN, ttlSeconds, address));
    }
  }

  /**
   * Adds a CNAME record.
   *
   * @param name the alias
   * @param target the canonical name it points to
   * @return this server
   * @throws IllegalArgumentException when a name is invalid
   */
  public LoopbackDnsServer cname(String name, String target) {
    Name owner = toName(name);
    Name canonical = toName(target);
    synchronized (lock) {
      return add(new CNAMERecord(owner, DClass.IN, ttlSeconds, canonical));
    }
  }

  /**
   * Removes all records of a name; the name then no longer exists (NXDOMAIN).
   *
   * @param name the owner name
   * @return this server
   * @throws IllegalArgumentException when the name is invalid
   */
  public LoopbackDnsServer remove(String name) {
    Name owner = toName(name);
    synchronized (lock) {
      records.remove(owner);
    }
    return this;
  }

  /**
   * Removes the records of one type at a name. The name keeps existing (NODATA for that type) while
   * it has records of other types.
   *
   * @param name the owner name
   * @param type the type mnemonic, for example {@code "TXT"}
   * @return this server
   * @throws IllegalArgumentException when the name or the type is invalid
   */
  public LoopbackDnsServer remove(String name, String type) {
    Name owner = toName(name);
    int t = toType(type);
    synchronized (lock) {
      List<Record> list = records.get(owner);
      if (list != null) {
        list.removeIf(r -> r.getType() == t);
        if (list.isEmpty()) {
          records.remove(owner);
        }
      }
    }
    return this;
  }

  /**
   * Injects a fault for every query for a name, whatever its type. A fault for one type at the name
   * ({@link #fault(String, String, Fault)}) takes precedence.
   *
   * @param name the name asked for
   * @param fault the fault
   * @return this server
   * @throws IllegalArgumentException when the name is invalid
   */
  public LoopbackDnsServer fault(String name, Fault fault) {
    Key key = new Key(toName(name), ANY_TYPE);
    synchronized (lock) {
      faults.put(key, Objects.requireNonNull(fault, "fault"));
    }
    return this;
  }

  /**
   * Injects a fault for queries for one type at a name.
   *
   * @param name the name asked for
   * @param type the type mnemonic, for example {@code "TXT"}
   * @param fault the fault
   * @return this server
   * @throws IllegalArgumentException when the name or the type is invalid
   */
  public LoopbackDnsServer fault(String name, String type, Fault fault) {
    Key key = new Key(toName(name), toType(type));
    synchronized (lock) {
      faults.put(key, Objects.requireNonNull(fault, "fault"));
    }
    return this;
  }

  /**
   * Removes the faults injected for a name, for all types and for single types.
   *
   * @param name the name
   * @return this server
   * @throws IllegalArgumentException when the name is invalid
   */
  public LoopbackDnsServer clearFault(String name) {
    Name owner = toName(name);
    synchronized (lock) {
      faults.keySet().removeIf(k -> k.name.equals(owner));
    }
    return this;
  }

  /**
   * Removes every injected fault.
   *
   * @return this server
   */
  public LoopbackDnsServer clearFaults() {
    synchronized (lock) {
      faults.clear();
    }
    return this;
  }

  /**
   * Returns how many queries for a name and type the server received, over UDP and TCP together. A
   * query retried over TCP after a truncated UDP answer counts twice, and every retry by the client
   * counts; queries answered with a fault count too.
   *
   * @param name the name asked for
   * @param type the type mnemonic, for example {@code "TXT"}
   * @return the number of queries since the start or the last {@link #resetQueryCounts()}
   * @throws IllegalArgumentException when the name or the type is invalid
   */
  public int queryCount(String name, String type) {
    AtomicInteger n = counts.get(new Key(toName(name), toType(type)));
    return n == null ? 0 : n.get();
  }

  /**
   * Returns how many queries for a name the server received, of any type.
   *
   * @param name the name asked for
   * @return the number of queries
   * @throws IllegalArgumentException when the name is invalid
   */
  public int queryCount(String name) {
    Name owner = toName(name);
    int sum = 0;
    for (Map.Entry<Key, AtomicInteger> e : counts.entrySet()) {
      if (e.getKey().name.equals(owner)) {
        sum += e.getValue().get();
      }
    }
    return sum;
  }

  /**
   * Returns how many queries the server received in all.
   *
   * @return the number of queries
   */
  public int queryCount() {
    int sum = 0;
    for (AtomicInteger n : counts.values()) {
      sum += n.get();
    }
    return sum;
  }

  /** Sets all query counts back to zero. */
  public void resetQueryCounts() {
    counts.clear();
  }

  /** Stops the server and closes its sockets, including open TCP connections. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    udp.close();
    try {
      tcp.close();
    } catch (IOException e) {
      log.debug("Closing the TCP listener failed", e);
    }
    for (Socket s : openSockets) {
      closeQuietly(s);
    }
    connections.shutdownNow();
    try {
      udpThread.join(1000);
      tcpThread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "LoopbackDnsServer[" + address + "]";
  }

  private LoopbackDnsServer add(Record r) {
    records.computeIfAbsent(r.getName(), n -> new ArrayList<>()).add(r);
    return this;
  }

  private static Name toName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty name");
    }
    try {
      return Name.fromString(name, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("invalid name: " + e.getMessage(), e);
    }
  }

  private static int toType(String type) {
    int t = Type.value(type.toUpperCase(Locale.ROOT));
    if (t < 0) {
      throw new IllegalArgumentException("unknown record type: " + type);
    }
    return t;
  }

  private static InetAddress literal(String address, int family) {
    try {
      return Address.getByAddress(address, family);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid address: " + address, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Serving

  /** What to do with one query. */
  private static final class Reply {
    static final Reply NONE = new Reply(null, false);
    static final Reply CLOSE = new Reply(null, true);

    final byte @Nullable [] bytes;
    final boolean close;

    Reply(byte @Nullable [] bytes, boolean close) {
      this.bytes = bytes;
      this.close = close;
    }
  }

  private void serveUdp() {
    byte[] buffer = new byte[65535];
    while (!closed) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        udp.receive(packet);
      } catch (IOException e) {
        if (!closed) {
          log.debug("UDP receive failed", e);
        }
        continue;
      }
      byte[] query = new byte[packet.getLength()];
      System.arraycopy(packet.getData(), packet.getOffset(), query, 0, query.length);
      Reply reply = answer(query, false);
      if (reply.bytes != null) {
        try {
          udp.send(new DatagramPacket(reply.bytes, reply.bytes.length, packet.getSocketAddress()));
        } catch (IOException e) {
          if (!closed) {
            log.debug("UDP send failed", e);
          }
        }
      }
    }
  }

  private void acceptTcp() {
    while (!closed) {
      Socket socket;
      try {
        socket = tcp.accept();
      } catch (IOException e) {
        if (!closed) {
          log.debug("TCP accept failed", e);
        }
        continue;
      }
      openSockets.add(socket);
      try {
        connections.execute(() -> serveTcp(socket));
      } catch (RuntimeException e) {
        openSockets.remove(socket);
        closeQuietly(socket);
      }
    }
  }

  private void serveTcp(Socket socket) {
    try (socket) {
      DataInputStream in = new DataInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      while (!closed) {
        int length;
        try {
          length = in.readUnsignedShort();
        } catch (EOFException e) {
          return;
        }
        byte[] query = new byte[length];
        in.readFully(query);
        Reply reply = answer(query, true);
        if (reply.close) {
          return;
        }
        if (reply.bytes != null) {
          byte[] framed = new byte[reply.bytes.length + 2];
          framed[0] = (byte) (reply.bytes.length >>> 8);
          framed[1] = (byte) reply.bytes.length;
          System.arraycopy(reply.bytes, 0, framed, 2, reply.bytes.length);
          out.write(framed);
          out.flush();
        }
      }
    } catch (SocketException e) {
      // Closed by the client or by close().
    } catch (IOException e) {
      if (!closed) {
        log.debug("TCP connection failed", e);
      }
    } finally {
      openSockets.remove(socket);
    }
  }

  private Reply answer(byte[] wire, boolean overTcp) {
    Message query;
    try {
      query = new Message(wire);
    } catch (IOException e) {
      log.debug("Ignoring a query that does not parse: {}", e.getMessage());
      return Reply.NONE;
    }
    Header queryHeader = query.getHeader();
    Record question = query.getQuestion();
    if (queryHeader.getFlag(Flags.QR)) {
      return Reply.NONE;
    }
    Message response = new Message(queryHeader.getID());
    Header header = response.getHeader();
    header.setFlag(Flags.QR);
    header.setOpcode(queryHeader.getOpcode());
    if (queryHeader.getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    if (question == null || queryHeader.getCount(Section.QUESTION) != 1) {
      header.setRcode(Rcode.FORMERR);
      return new Reply(response.toWire(), false);
    }
    response.addRecord(question, Section.QUESTION);
    Name qname = question.getName();
    int qtype = question.getType();
    counts.computeIfAbsent(new Key(qname, qtype), k -> new AtomicInteger()).incrementAndGet();

    Fault fault;
    synchronized (lock) {
      fault = faults.get(new Key(qname, qtype));
      if (fault == null) {
        fault = faults.get(new Key(qname, ANY_TYPE));
      }
      if (fault == null || fault == Fault.WRONG_ID || overTcp) {
        if (queryHeader.getOpcode() != Opcode.QUERY) {
          header.setRcode(Rcode.NOTIMP);
        } else if (question.getDClass() != DClass.IN) {
          header.setRcode(Rcode.REFUSED);
        } else {
          resolve(response, qname, qtype);
        }
      }
    }
    log.debug(
        "{} {}/{} over {}: {}",
        address,
        qname,
        Type.string(qtype),
        overTcp ? "TCP" : "UDP",
        fault == null ? "answered" : fault);

    if (fault != null) {
      switch (fault) {
        case SERVFAIL:
          return new Reply(error(response, Rcode.SERVFAIL), false);
        case REFUSED:
          return new Reply(error(response, Rcode.REFUSED), false);
        case DROP:
          return Reply.NONE;
        case TRUNCATE:
          if (!overTcp) {
            return new Reply(truncated(response), false);
          }
          break;
        case TRUNCATE_TCP_FAIL:
          return overTcp ? Reply.CLOSE : new Reply(truncated(response), false);
        case WRONG_ID:
          header.setID((queryHeader.getID() + 1) & 0xffff);
          break;
      }
    }
    header.setFlag(Flags.AA);
    if (overTcp) {
      return new Reply(response.toWire(), false);
    }
    OPTRecord opt = query.getOPT();
    int limit = opt == null ? MIN_UDP_SIZE : Math.max(MIN_UDP_SIZE, opt.getPayloadSize());
    // Message.toWire(int) drops what does not fit and sets the TC flag.
    return new Reply(response.toWire(limit), false);
  }

  private static byte[] error(Message response, int rcode) {
    response.removeAllRecords(Section.ANSWER);
    response.removeAllRecords(Section.AUTHORITY);
    response.removeAllRecords(Section.ADDITIONAL);
    response.getHeader().setRcode(rcode);
    return response.toWire();
  }

  private static byte[] truncated(Message response) {
    response.removeAllRecords(Section.ANSWER);
    response.removeAllRecords(Section.AUTHORITY);
    response.removeAllRecords(Section.ADDITIONAL);
    response.getHeader().setRcode(Rcode.NOERROR);
    response.getHeader().setFlag(Flags.AA);
    response.getHeader().setFlag(Flags.TC);
    return response.toWire();
  }

  /** Fills in the answer for a name and type from the data; called with the lock held. */
  private void resolve(Message response, Name qname, int qtype) {
    Name current = qname;
    Set<Name> seen = new HashSet<>();
    while (true) {
      List<Record> list = records.get(current);
      if (list == null) {
        response.getHeader().setRcode(Rcode.NXDOMAIN);
        response.addRecord(SOA, Section.AUTHORITY);
        return;
      }
      boolean found = false;
      Name next = null;
      for (Record r : list) {
        if (r.getType() == qtype || qtype == Type.ANY) {
          response.addRecord(r, Section.ANSWER);
          found = true;
        }
      }
      if (found) {
        return;
      }
      for (Record r : list) {
        if (r.getType() == Type.CNAME) {
          response.addRecord(r, Section.ANSWER);
          if (next == null) {
            next = ((CNAMERecord) r).getTarget();
          }
        }
      }
      if (next == null) {
        response.addRecord(SOA, Section.AUTHORITY);
        return;
      }
      seen.add(current);
      if (seen.contains(next) || seen.size() > MAX_CHAIN) {
        return;
      }
      current = next;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  /** A name and a type ({@link #ANY_TYPE} for all types); names compare ignoring case. */
  private record Key(Name name, int type) {}
}
