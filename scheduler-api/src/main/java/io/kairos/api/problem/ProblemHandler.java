package io.kairos.api.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.catalogue.SecretsNeedAKey;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobChangedMeanwhile;
import io.kairos.job.JobConflict;
import io.kairos.job.JobState;
import io.kairos.job.JobStateConflict;
import io.kairos.job.OperatorJobException;
import io.kairos.job.StaleJobVersion;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.oauth.CredentialStore;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as {@code application/problem+json} (RFC 9457). Validation problems carry the
 * offending field in {@code field}, as a JSON path into the request. Spring MVC's own errors (405,
 * 415, 404 for unknown paths, …) get problem bodies from the base class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  private final io.micrometer.core.instrument.MeterRegistry meters;

  ProblemHandler(io.micrometer.core.instrument.MeterRegistry meters) {
    this.meters = meters;
  }

  @ExceptionHandler(InvalidJobException.class)
  ProblemDetail invalid(InvalidJobException e) {
    return Problems.invalid(e);
  }

  @ExceptionHandler(UnknownJobException.class)
  ProblemDetail notFound(UnknownJobException e) {
    return Problems.of(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
  }

  @ExceptionHandler(JobConflict.class)
  ProblemDetail conflict(JobConflict e) {
    return Problems.conflict(e);
  }

  /**
   * Seconds a client should wait before retrying a change refused because the job is running. The
   * attempt's end cannot be known in advance; a few seconds lets short jobs finish without clients
   * hammering the API over long ones.
   */
  static final int RETRY_AFTER_RUNNING_SECONDS = 5;

  @ExceptionHandler(JobStateConflict.class)
  ResponseEntity<ProblemDetail> stateConflict(JobStateConflict e) {
    ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), null);
    problem.setProperty("state", e.state().name());
    if (e.runningOn() != null) {
      problem.setProperty("runningOn", e.runningOn());
    }
    ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.CONFLICT);
    if (e.state() == JobState.RUNNING) {
      response.header(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_RUNNING_SECONDS));
    }
    return response.body(problem);
  }

  @ExceptionHandler(JobChangedMeanwhile.class)
  ResponseEntity<ProblemDetail> changedMeanwhile(JobChangedMeanwhile e) {
    return ResponseEntity.status(HttpStatus.CONFLICT)
        .header(HttpHeaders.RETRY_AFTER, "1")
        .body(Problems.of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), null));
  }

  @ExceptionHandler(OperatorJobException.class)
  ProblemDetail operatorJob(OperatorJobException e) {
    ProblemDetail problem = Problems.of(HttpStatus.FORBIDDEN, "Forbidden", e.getMessage(), null);
    problem.setProperty("source", e.source().name());
    problem.setProperty("requiredScope", "admin");
    return problem;
  }

  @ExceptionHandler(CredentialNotAllowed.class)
  ProblemDetail credentialNotAllowed(CredentialNotAllowed e) {
    return Problems.credentialNotAllowed(e);
  }

  @ExceptionHandler(StaleJobVersion.class)
  ResponseEntity<ProblemDetail> staleVersion(StaleJobVersion e) {
    return ResponseEntity.status(HttpStatus.PRECONDITION_FAILED)
        .eTag(e.current())
        .body(
            Problems.of(
                HttpStatus.PRECONDITION_FAILED, "Precondition Failed", e.getMessage(), null));
  }

  @ExceptionHandler(SecretsNeedAKey.class)
  ProblemDetail noEncryptionKey(SecretsNeedAKey e) {
    return Problems.noEncryptionKey(e);
  }

  @ExceptionHandler(TooManyRequests.class)
  ResponseEntity<ProblemDetail> tooMany(TooManyRequests e) {
    // Every quota refusal passes here, whichever request: one counter for the alert on them.
    io.micrometer.core.instrument.Counter.builder("kairos.api.quota.rejections")
        .description("Requests refused with 429 because a key reached a dynamic quota, by limit")
        .tag("limit", String.valueOf(e.limit()))
        .register(meters)
        .increment();
    return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
        .header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()))
        .body(e.problem());
  }

  @ExceptionHandler(ApiProblem.class)
  ProblemDetail problem(ApiProblem e) {
    return e.problem();
  }

  @ExceptionHandler(CredentialStore.CredentialConflict.class)
  ProblemDetail credentialConflict(CredentialStore.CredentialConflict e) {
    return Problems.of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), "id");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
    return Problems.of(
        HttpStatus.BAD_REQUEST,
        "Invalid request",
        e.getName() + " has an invalid value: " + e.getValue(),
        e.getName());
  }

  private static SQLException sqlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }

  /** {@code a.b[2].c} from Jackson's path. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
      } else {
        path.append('[').append(r.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /** Where the parser was when the body turned out not to be valid JSON, or null. */
  private static String parsedField(StreamReadException e) {
    JsonParser parser = e.getProcessor();
    if (parser == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        parts.add(0, "." + c.getCurrentName());
      } else if (c.inArray() && c.getCurrentIndex() >= 0) {
        parts.add(0, "[" + c.getCurrentIndex() + "]");
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    SQLException sql = sqlCause(e);
    if (sql != null) {
      // PostgreSQL's messages quote the values of the statement (DETAIL, and the JSON CONTEXT of
      // a payload): only the kind of failure is logged, never a message.
      LOG.error(
          "Request failed: database error, SQLState {} ({}, via {})",
          sql.getSQLState(),
          sql.getClass().getName(),
          e.getClass().getName());
    } else {
      LOG.error("Request failed", e);
    }
    return Problems.of(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "Internal error",
        "the request failed on the server; nothing was changed unless its response says so",
        null);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    if (e.getMostSpecificCause() instanceof BodyTooLargeException tooLarge) {
      return ResponseEntity.badRequest()
          .body(
              Problems.of(
                  HttpStatus.BAD_REQUEST, "Request too large", tooLarge.getMessage(), null));
    }
    String field = null;
    String detail = "the body is not valid JSON";
    Throwable cause = e.getCause();
    Throwable syntax = cause;
    while (syntax != null
        && !(syntax instanceof StreamReadException)
        && !(syntax instanceof StreamConstraintsException)) {
      syntax = syntax.getCause() == syntax ? null : syntax.getCause();
    }
    if (syntax instanceof StreamConstraintsException) {
      detail = "the body is nested too deeply or too large";
    } else if (syntax instanceof StreamReadException parse) {
      // Not JSON as written (a duplicate key, bad UTF-8, a number out of range), also when
      // Jackson reports it from inside a field: the parser knows where it was.
      field = parsedField(parse);
      String message = parse.getOriginalMessage() == null ? "" : parse.getOriginalMessage();
      if (message.startsWith("Duplicate field")) {
        detail = (field == null ? "a key" : field) + " appears more than once";
      } else if (parse instanceof InputCoercionException) {
        detail = (field == null ? "a number" : field) + " is out of range";
      } else if (field != null) {
        detail = field + " is not valid JSON (or not UTF-8)";
      }
    } else if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      field = path(mapping.getPath());
      if (mapping instanceof InvalidFormatException invalid
          && StrictJson.CONTROL_CHARACTERS.equals(invalid.getOriginalMessage())) {
        detail = field + " " + StrictJson.CONTROL_CHARACTERS + " other than tab and line breaks";
      } else if (mapping instanceof InvalidFormatException invalid
          && InputText.LONE_SURROGATE.equals(invalid.getOriginalMessage())) {
        detail = field + " " + InputText.LONE_SURROGATE;
      } else {
        detail = field + " is not allowed here or has the wrong JSON type";
      }
    } else if (cause instanceof MismatchedInputException
        && cause.getMessage() != null
        && cause.getMessage().startsWith("Trailing token")) {
      detail = "the body has content after its JSON value";
    } else if (cause == null) {
      detail = "a JSON body is required";
    }
    return ResponseEntity.badRequest()
        .body(Problems.of(HttpStatus.BAD_REQUEST, "Malformed request", detail, field));
  }
}
