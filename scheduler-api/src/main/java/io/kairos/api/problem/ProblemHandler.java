package io.kairos.api.problem;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.kairos.api.job.NoSuchJob;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobSubmitter;
import java.net.URI;
import java.util.stream.Collectors;
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
 * offending field in {@code field}, as a JSON path into the request.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  @ExceptionHandler(InvalidJobException.class)
  ProblemDetail invalid(InvalidJobException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage(), e.field());
  }

  @ExceptionHandler(NoSuchJob.class)
  ProblemDetail notFound(NoSuchJob e) {
    return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage(), null);
  }

  @ExceptionHandler(JobSubmitter.JobConflict.class)
  ProblemDetail conflict(JobSubmitter.JobConflict e) {
    return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage(), "id");
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
    return problem(
        HttpStatus.BAD_REQUEST,
        "Invalid request",
        e.getName() + " has an invalid value: " + e.getValue(),
        e.getName());
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
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
    ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Malformed request", detail, field);
    return ResponseEntity.badRequest().body(problem);
  }

  private static ProblemDetail problem(
      HttpStatus status, String title, String detail, String field) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    problem.setTitle(title);
    problem.setType(URI.create("about:blank"));
    if (field != null) {
      problem.setProperty("field", field);
    }
    return problem;
  }
}
