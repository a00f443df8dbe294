package io.kairos.api.problem;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobConflict;
import io.kairos.job.JobStateConflict;
import io.kairos.job.UnknownJobException;
import io.kairos.jobtype.oauth.CredentialStore;
import java.util.stream.Collectors;
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

  @ExceptionHandler(InvalidJobException.class)
  ProblemDetail invalid(InvalidJobException e) {
    return Problems.of(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
  }

  @ExceptionHandler(UnknownJobException.class)
  ProblemDetail notFound(UnknownJobException e) {
    return Problems.of(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
  }

  @ExceptionHandler(JobConflict.class)
  ProblemDetail conflict(JobConflict e) {
    return Problems.of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), "id");
  }

  @ExceptionHandler(JobStateConflict.class)
  ProblemDetail stateConflict(JobStateConflict e) {
    ProblemDetail problem = Problems.of(HttpStatus.CONFLICT, "Conflict", e.getMessage(), null);
    problem.setProperty("state", e.state().name());
    if (e.runningOn() != null) {
      problem.setProperty("runningOn", e.runningOn());
    }
    return problem;
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

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e) {
    LOG.error("Request failed", e);
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
    if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      field =
          mapping.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      detail = field + " is not allowed here or has the wrong JSON type";
    } else if (e.getCause() == null) {
      detail = "a JSON body is required";
    }
    return ResponseEntity.badRequest()
        .body(Problems.of(HttpStatus.BAD_REQUEST, "Malformed request", detail, field));
  }
}
