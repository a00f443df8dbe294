package io.kairos.api.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.problem.BodyTooLargeException;
import io.kairos.api.problem.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies over the limit with 400 before they are read: at once when the declared
 * Content-Length is too large, and while reading a chunked body as soon as it grows past the limit
 * (then as {@link BodyTooLargeException}, which the problem handler turns into the same 400).
 */
final class RequestBodyLimitFilter extends OncePerRequestFilter {

  /** The one endpoint whose bodies carry many jobs, so it has a limit of its own. */
  static final String BATCH_PATH = "/api/v1/jobs/batch";

  private final long defaultMaxBytes;
  private final long batchMaxBytes;
  private final ObjectMapper json;

  RequestBodyLimitFilter(long defaultMaxBytes, long batchMaxBytes, ObjectMapper json) {
    this.defaultMaxBytes = defaultMaxBytes;
    this.batchMaxBytes = batchMaxBytes;
    this.json = json;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long maxBytes =
        "POST".equals(request.getMethod()) && BATCH_PATH.equals(request.getRequestURI())
            ? batchMaxBytes
            : defaultMaxBytes;
    if (request.getContentLengthLong() > maxBytes) {
      Problems.write(
          response,
          Problems.of(
              HttpStatus.BAD_REQUEST,
              "Request too large",
              BodyTooLargeException.detail(maxBytes),
              null),
          json);
      return;
    }
    chain.doFilter(new LimitedRequest(request, maxBytes), response);
  }

  private static final class LimitedRequest extends HttpServletRequestWrapper {
    private final long maxBytes;
    private ServletInputStream stream;

    LimitedRequest(HttpServletRequest request, long maxBytes) {
      super(request);
      this.maxBytes = maxBytes;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), maxBytes);
      }
      return stream;
    }
  }

  private static final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long maxBytes;
    private long read;

    LimitedStream(ServletInputStream in, long maxBytes) {
      this.in = in;
      this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) throws BodyTooLargeException {
      read += n;
      if (read > maxBytes) {
        throw new BodyTooLargeException(maxBytes);
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
