package dev.mtasts.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The body handler without a network: headers are judged first, bodies are capped while streaming. */
class LimitedBodyHandlerTest {
  private static final int LIMIT = 16;

  /** A subscription that records demand and cancellation. */
  private static final class Recording implements Flow.Subscription {
    final AtomicLong requested = new AtomicLong();
    final AtomicBoolean cancelled = new AtomicBoolean();

    @Override
    public void request(long n) {
      requested.addAndGet(n);
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }
  }

  private static HttpResponse.ResponseInfo info(int status, Map<String, List<String>> headers) {
    return new HttpResponse.ResponseInfo() {
      @Override
      public int statusCode() {
        return status;
      }

      @Override
      public HttpHeaders headers() {
        return HttpHeaders.of(headers, (a, b) -> true);
      }

      @Override
      public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
      }
    };
  }

  private static LimitedBodyHandler.Body run(HttpResponse.BodySubscriber<LimitedBodyHandler.Body> s,
      Recording subscription, byte[]... chunks) {
    s.onSubscribe(subscription);
    for (byte[] c : chunks) {
      if (subscription.cancelled.get()) {
        break;
      }
      s.onNext(List.of(ByteBuffer.wrap(c)));
    }
    if (!subscription.cancelled.get()) {
      s.onComplete();
    }
    return s.getBody().toCompletableFuture().join();
  }

  private static LimitedBodyHandler handler() {
    return new LimitedBodyHandler("mta-sts.example.com", LIMIT, false);
  }

  @Test
  void bodyUpToTheLimitIsCollected() {
    Recording sub = new Recording();
    LimitedBodyHandler.Body body = run(handler().apply(info(200,
        Map.of("content-type", List.of("text/plain")))), sub, new byte[10], new byte[6]);
    assertEquals(16, assertInstanceOf(LimitedBodyHandler.Body.Complete.class, body).bytes().length);
    assertFalse(sub.cancelled.get());
  }

  @Test
  void oneByteOverTheLimitCancelsTheStream() {
    Recording sub = new Recording();
    byte[] big = new byte[LIMIT + 1];
    LimitedBodyHandler.Body body = run(handler().apply(info(200,
        Map.of("content-type", List.of("text/plain")))), sub, new byte[8], big, new byte[1000]);
    assertInstanceOf(LimitedBodyHandler.Body.Rejected.class, body);
    assertTrue(sub.cancelled.get());
    // Demand was one buffer at a time: the third chunk was never asked for.
    assertEquals(2, sub.requested.get());
  }

  @Test
  void contentIsKeptInOrder() {
    Recording sub = new Recording();
    LimitedBodyHandler.Body body = run(handler().apply(info(200,
        Map.of("content-type", List.of("text/plain")))), sub, "abc".getBytes(), "def".getBytes());
    assertArrayEquals("abcdef".getBytes(),
        assertInstanceOf(LimitedBodyHandler.Body.Complete.class, body).bytes());
  }

  @Test
  void headersAreJudgedBeforeTheBody() {
    for (HttpResponse.ResponseInfo bad : List.of(
        info(302, Map.of("location", List.of("https://elsewhere/"))),
        info(404, Map.of("content-type", List.of("text/plain"))),
        info(200, Map.of()),
        info(200, Map.of("content-type", List.of("text/html"))),
        info(200, Map.of("content-type", List.of("text/plain"), "content-length", List.of("17"))),
        info(200, Map.of("content-type", List.of("text/plain"), "content-length",
            List.of("999999999999999999999"))))) {
      Recording sub = new Recording();
      HttpResponse.BodySubscriber<LimitedBodyHandler.Body> s = handler().apply(bad);
      assertTrue(s.getBody().toCompletableFuture().isDone(), "answered without the body");
      s.onSubscribe(sub);
      assertTrue(sub.cancelled.get(), "the body is not read");
      assertEquals(0, sub.requested.get());
      assertInstanceOf(LimitedBodyHandler.Body.Rejected.class, s.getBody().toCompletableFuture().join());
    }
  }

  @Test
  void lenientHandlerSkipsOnlyTheMediaType() {
    LimitedBodyHandler lenient = new LimitedBodyHandler("mta-sts.example.com", LIMIT, true);
    Recording sub = new Recording();
    assertInstanceOf(LimitedBodyHandler.Body.Complete.class,
        run(lenient.apply(info(200, Map.of())), sub, new byte[3]));
    HttpResponse.BodySubscriber<LimitedBodyHandler.Body> s = lenient.apply(info(500, Map.of()));
    assertInstanceOf(LimitedBodyHandler.Body.Rejected.class, s.getBody().toCompletableFuture().join());
  }

  @Test
  void abortCancelsAStreamingBodyAndReportsProgress() {
    LimitedBodyHandler h = handler();
    assertEquals("before the response headers arrived", h.progress());
    HttpResponse.BodySubscriber<LimitedBodyHandler.Body> s =
        h.apply(info(200, Map.of("content-type", List.of("text/plain"))));
    Recording sub = new Recording();
    s.onSubscribe(sub);
    s.onNext(List.of(ByteBuffer.wrap(new byte[5])));
    assertEquals("while the body was arriving (5 bytes received so far)", h.progress());
    h.abort();
    assertTrue(sub.cancelled.get());
  }

  @Test
  void mediaTypeIsTextPlainInAnyCaseWithAnyParameters() {
    assertTrue(LimitedBodyHandler.isTextPlain("text/plain"));
    assertTrue(LimitedBodyHandler.isTextPlain("TEXT/Plain; charset=UTF-8"));
    assertTrue(LimitedBodyHandler.isTextPlain(" text/plain ;format=flowed"));
    assertFalse(LimitedBodyHandler.isTextPlain("text/plainx"));
    assertFalse(LimitedBodyHandler.isTextPlain("text/html; x=text/plain"));
    assertFalse(LimitedBodyHandler.isTextPlain(""));
  }
}
