package io.kairos.api.ui;

import com.github.kagkarlsson.scheduler.Clock;
import io.kairos.api.problem.ApiProblem;
import io.kairos.api.security.MissingScopeException;
import io.kairos.catalogue.CredentialNotAllowed;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobChangedMeanwhile;
import io.kairos.job.JobConflict;
import io.kairos.job.JobStateConflict;
import io.kairos.job.OperatorJobException;
import io.kairos.job.UnknownJobException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * What every dashboard page gets (the signed-in user, the form token, the viewer's zone and time
 * formatting), and errors as pages rather than problem JSON: the same exceptions as the REST API,
 * with the same statuses (400 naming the field, 403, 404, 409). Ordered before the API's problem
 * handler, and only for the dashboard's controllers.
 */
@ControllerAdvice(basePackageClasses = UiPages.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class UiPages {

  private static final Logger LOG = LoggerFactory.getLogger(UiPages.class);

  private final Clock clock;
  private final UiProperties properties;

  UiPages(Clock clock, UiProperties properties) {
    this.clock = clock;
    this.properties = properties;
  }

  @ModelAttribute
  void common(HttpServletRequest request, org.springframework.ui.Model model) {
    model.addAttribute("user", UiUser.of(UiSession.principal(request)));
    model.addAttribute("csrf", UiSession.csrfToken(request));
    model.addAttribute("refreshMillis", properties.refreshEvery().toMillis());
    String tz = request.getParameter("tz");
    model.addAttribute("tz", tz == null || tz.isBlank() ? null : tz);
    model.addAttribute("fmt", new UiFormat(UiFormat.viewerZone(tz), clock.now()));
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(InvalidJobException.class)
  ModelAndView invalid(InvalidJobException e, HttpServletRequest request) {
    String problems =
        e.problems().stream()
            .map(p -> p.field().isEmpty() ? p.reason() : p.field() + ": " + p.reason())
            .collect(java.util.stream.Collectors.joining("; "));
    return page(request, HttpStatus.BAD_REQUEST, "Invalid request", problems);
  }

  @org.springframework.web.bind.annotation.ExceptionHandler({
    MissingServletRequestParameterException.class,
    MethodArgumentTypeMismatchException.class
  })
  ModelAndView badParameter(Exception e, HttpServletRequest request) {
    String name =
        e instanceof MissingServletRequestParameterException m
            ? m.getParameterName()
            : ((MethodArgumentTypeMismatchException) e).getName();
    return page(
        request,
        HttpStatus.BAD_REQUEST,
        "Invalid request",
        name + ": is missing or has a value this page does not know");
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(UnknownJobException.class)
  ModelAndView notFound(UnknownJobException e, HttpServletRequest request) {
    return page(request, HttpStatus.NOT_FOUND, "Not found", e.getMessage());
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(JobStateConflict.class)
  ModelAndView conflict(JobStateConflict e, HttpServletRequest request) {
    return page(request, HttpStatus.CONFLICT, "Not possible now", e.getMessage());
  }

  @org.springframework.web.bind.annotation.ExceptionHandler({
    JobConflict.class,
    JobChangedMeanwhile.class
  })
  ModelAndView conflict(RuntimeException e, HttpServletRequest request) {
    return page(request, HttpStatus.CONFLICT, "Not possible now", e.getMessage());
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(MissingScopeException.class)
  ModelAndView forbidden(MissingScopeException e, HttpServletRequest request) {
    return page(request, HttpStatus.FORBIDDEN, "Not allowed", e.getMessage());
  }

  /** A job of the operators or of Kairos, or a credential, the signed-in key may not use. */
  @org.springframework.web.bind.annotation.ExceptionHandler({
    OperatorJobException.class,
    CredentialNotAllowed.class
  })
  ModelAndView notAllowed(RuntimeException e, HttpServletRequest request) {
    return page(
        request, HttpStatus.FORBIDDEN, "Not allowed", e.getMessage() + "; nothing was changed.");
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(ApiProblem.class)
  ModelAndView problem(ApiProblem e, HttpServletRequest request) {
    HttpStatus status = HttpStatus.valueOf(e.problem().getStatus());
    return page(request, status, e.problem().getTitle(), e.problem().getDetail());
  }

  @org.springframework.web.bind.annotation.ExceptionHandler(Exception.class)
  ModelAndView unexpected(Exception e, HttpServletRequest request) {
    LOG.error("Dashboard request failed", e);
    return page(
        request,
        HttpStatus.INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "The request failed on the server; nothing was changed unless the page said so.");
  }

  private ModelAndView page(
      HttpServletRequest request, HttpStatus status, String title, String message) {
    ModelAndView page = new ModelAndView("ui/error", status);
    UiUser user = UiUser.of(UiSession.principal(request));
    page.addObject("user", user);
    if (user != null) {
      page.addObject("csrf", UiSession.csrfToken(request));
    }
    page.addObject("status", status.value());
    page.addObject("title", title);
    page.addObject("message", message);
    return page;
  }
}
