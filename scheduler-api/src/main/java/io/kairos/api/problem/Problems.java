package io.kairos.api.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.catalogue.SecretsNeedAKey;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobConflict;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details, for the exception handler and for filters that answer themselves. */
public final class Problems {

  private Problems() {}

  /** A problem; {@code field} (may be null) is the JSON path of the offending request field. */
  public static ProblemDetail of(HttpStatus status, String title, String detail, String field) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    problem.setType(URI.create("about:blank"));
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }

  /**
   * The problem of an invalid request: {@code 400} naming the (first) field in {@code field}, and
   * every offending field, each with what is wrong with it, in {@code errors}.
   */
  public static ProblemDetail invalid(InvalidJobException e) {
    ProblemDetail problem =
        of(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
    problem.setProperty(
        "errors",
        e.problems().stream().map(p -> Map.of("field", p.field(), "detail", p.reason())).toList());
    return problem;
  }

  /** The problem of an id taken by a different job: {@code 409} naming {@code id}. */
  public static ProblemDetail conflict(JobConflict e) {
    return of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), "id");
  }

  /** A credential the caller may not use: {@code 403} naming the field that names it. */
  public static ProblemDetail credentialNotAllowed(CredentialNotAllowed e) {
    return of(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage(), e.field());
  }

  /** The problem of a payload with secrets when the API has no encryption key: {@code 503}. */
  public static ProblemDetail noEncryptionKey(SecretsNeedAKey e) {
    return of(HttpStatus.SERVICE_UNAVAILABLE, "No encryption key", e.getMessage(), "payload");
  }

  /**
   * The problem one item of a batch request would have had as a request of its own (an invalid job,
   * a reserved id, a conflict, a secret without a key), with its field as a path into the batch:
   * {@code payload.url} of the fourth item becomes {@code jobs[3].payload.url}, in {@code field}
   * and in the detail.
   *
   * @throws IllegalArgumentException for an exception that is not about one item
   */
  public static ProblemDetail ofItem(RuntimeException e, String itemPath) {
    ProblemDetail problem;
    if (e instanceof InvalidJobException invalid) {
      return invalid(invalid.within(itemPath));
    } else if (e instanceof JobConflict conflict) {
      problem = conflict(conflict);
    } else if (e instanceof SecretsNeedAKey noKey) {
      problem = noEncryptionKey(noKey);
    } else if (e instanceof ApiProblem api) {
      problem = api.problem();
    } else if (e instanceof CredentialNotAllowed notAllowed) {
      problem = credentialNotAllowed(notAllowed);
    } else {
      throw new IllegalArgumentException("not a problem of one item: " + e.getClass(), e);
    }
    Object field = problem.getProperties() == null ? null : problem.getProperties().get("field");
    problem.setProperty("field", within(itemPath, field == null ? "" : field.toString()));
    return problem;
  }

  private static String within(String itemPath, String field) {
    return field == null || field.isEmpty()
        ? itemPath
        : itemPath + (field.startsWith("[") ? "" : ".") + field;
  }

  /** Writes a problem as the whole response (from a servlet filter, before Spring MVC). */
  public static void write(HttpServletResponse response, ProblemDetail problem, ObjectMapper json)
      throws IOException {
    response.setStatus(problem.getStatus());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setCharacterEncoding("UTF-8");
    json.writeValue(response.getOutputStream(), problem);
  }
}
