package dev.mtasts.fetch;

import dev.mtasts.internal.Text;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The body handler of one policy fetch. It looks at the status and headers first and only reads the
 * body of a {@code 200 text/plain} response whose announced length is within the limit; the body is
 * read as it streams in and the exchange is cancelled as soon as it passes the limit, so no more than
 * the limit is ever held in memory. Everything else is answered with a {@link Body.Rejected} and the
 * exchange is cancelled without reading the body.
 *
 * <p>One instance serves one request. It also remembers how far the exchange got, for the message of
 * a missed deadline, and lets the deadline abort a body that is still streaming.
 */
final class LimitedBodyHandler implements HttpResponse.BodyHandler<LimitedBodyHandler.Body> {

  /** What became of the response body. */
  sealed interface Body permits Body.Complete, Body.Rejected {
    /** The whole body arrived and is within the limit. */
    record Complete(byte[] bytes) implements Body {}

    /** The response is not a policy; the body was not read (or not to its end). */
    record Rejected(String detail) implements Body {}
  }

  private final String host;
  private final int limit;
  private final boolean anyContentType;
  private volatile boolean headersArrived;
  private volatile @Nullable LimitedSubscriber subscriber;
  private volatile boolean aborted;

  LimitedBodyHandler(String host, int limit, boolean anyContentType) {
    this.host = host;
    this.limit = limit;
    this.anyContentType = anyContentType;
  }

  @Override
  public HttpResponse.BodySubscriber<Body> apply(HttpResponse.ResponseInfo info) {
    headersArrived = true;
    int status = info.statusCode();
    HttpHeaders headers = info.headers();
    if (status != 200) {
      return rejecting(statusDetail(status, headers));
    }
    if (!anyContentType) {
      String problem = contentTypeProblem(headers.allValues("content-type"));
      if (problem != null) {
        return rejecting(problem);
      }
    }
    long announced;
    try {
      OptionalLong length = headers.firstValueAsLong("content-length");
      announced = length.orElse(-1L);
    } catch (NumberFormatException e) {
      return rejecting(host + " sent a Content-Length that is not a number: "
          + Text.quote(headers.firstValue("content-length").orElse("")));
    }
    if (announced > limit) {
      return rejecting(host + " announced a policy of " + announced
          + " bytes (Content-Length), over the limit of " + limit + " bytes");
    }
    LimitedSubscriber s = new LimitedSubscriber(host, limit, (int) Math.max(announced, 0));
    subscriber = s;
    if (aborted) {
      s.abort();
    }
    return s;
  }

  /** Stops reading a body that is still streaming (the deadline passed). */
  void abort() {
    aborted = true;
    LimitedSubscriber s = subscriber;
    if (s != null) {
      s.abort();
    }
  }

  /** Tells, for the message of a missed deadline, how far the exchange got. */
  String progress() {
    LimitedSubscriber s = subscriber;
    if (s != null) {
      return "while the body was arriving (" + s.received() + " bytes received so far)";
    }
    if (headersArrived) {
      return "after the response headers";
    }
    return "before the response headers arrived";
  }

  private String statusDetail(int status, HttpHeaders headers) {
    if (status >= 300 && status < 400) {
      String location = headers.firstValue("location")
          .map(l -> " to " + Text.quote(l))
          .orElse("");
      return host + " answered with a redirect (HTTP " + status + ")" + location
          + "; redirects are not followed (RFC 8461 section 3.3)";
    }
    return host + " answered HTTP " + status + "; only 200 (OK) carries a policy";
  }

  /** Returns why the Content-Type values are not acceptable, or {@code null} when they are. */
  private @Nullable String contentTypeProblem(List<String> values) {
    if (values.isEmpty()) {
      return host + " sent no Content-Type; a policy must be served as text/plain";
    }
    for (String value : values) {
      if (!isTextPlain(value)) {
        return host + " sent Content-Type " + Text.quote(value)
            + "; a policy must be served as text/plain";
      }
    }
    return null;
  }

  /** {@code text/plain} in any case, with any parameters, with optional whitespace around it. */
  static boolean isTextPlain(String contentType) {
    int semicolon = contentType.indexOf(';');
    String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    return type.strip().toLowerCase(Locale.ROOT).equals("text/plain");
  }

  private HttpResponse.BodySubscriber<Body> rejecting(String detail) {
    return new RejectingSubscriber(new Body.Rejected(detail));
  }

  /** Answers at once without reading the body, and cancels the exchange. */
  private static final class RejectingSubscriber implements HttpResponse.BodySubscriber<Body> {
    private final CompletableFuture<Body> body;

    RejectingSubscriber(Body.Rejected rejected) {
      this.body = CompletableFuture.completedFuture(rejected);
    }

    @Override
    public CompletionStage<Body> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      // Nothing is read.
    }

    @Override
    public void onError(Throwable throwable) {
      // The answer is already known.
    }

    @Override
    public void onComplete() {
      // The answer is already known.
    }
  }

  /**
   * Collects the body up to the limit; one byte more and it cancels the subscription (which closes
   * the connection) and answers {@link Body.Rejected}.
   */
  static final class LimitedSubscriber implements HttpResponse.BodySubscriber<Body> {
    private final String host;
    private final int limit;
    private final CompletableFuture<Body> body = new CompletableFuture<>();
    private volatile Flow.@Nullable Subscription subscription;
    private volatile boolean aborted;
    private volatile int received;
    private byte[] buffer;

    LimitedSubscriber(String host, int limit, int expected) {
      this.host = host;
      this.limit = limit;
      this.buffer = new byte[Math.min(Math.max(expected, 1024), limit)];
    }

    int received() {
      return received;
    }

    void abort() {
      aborted = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public CompletionStage<Body> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      Objects.requireNonNull(s, "subscription");
      if (subscription != null) {
        s.cancel();
        return;
      }
      subscription = s;
      if (aborted) {
        s.cancel();
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      Flow.Subscription s = subscription;
      if (body.isDone() || s == null) {
        return;
      }
      if (aborted) {
        s.cancel();
        return;
      }
      long total = received;
      for (ByteBuffer b : item) {
        total += b.remaining();
      }
      if (total > limit) {
        received = (int) Math.min(total, Integer.MAX_VALUE);
        s.cancel();
        body.complete(new Body.Rejected(host + " sent a policy body of more than " + limit
            + " bytes; the fetch stopped there"));
        return;
      }
      int n = (int) total;
      if (n > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(Math.max(n, buffer.length * 2), limit));
      }
      int at = received;
      for (ByteBuffer b : item) {
        int len = b.remaining();
        b.get(buffer, at, len);
        at += len;
      }
      received = n;
      s.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
      body.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      body.complete(new Body.Complete(Arrays.copyOf(buffer, received)));
    }
  }
}
