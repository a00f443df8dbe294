package io.kairos.api.ui;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditTrail;
import io.kairos.api.security.ApiKeys;
import io.kairos.api.security.ApiPrincipal;
import io.kairos.api.security.AuthFailures;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;

/**
 * Sign-in with an API key, posted in a form (never in a URL), checked like a bearer key; the
 * session keeps the key's name and scopes, not the key. Refusals are logged without the key.
 */
@Controller
class SignInController {

  private static final Logger LOG = LoggerFactory.getLogger(SignInController.class);

  private final ApiKeys keys;
  private final AuthFailures failures;
  private final AuditTrail audit;

  SignInController(ApiKeys keys, AuthFailures failures, AuditTrail audit) {
    this.keys = keys;
    this.failures = failures;
    this.audit = audit;
  }

  @GetMapping(UiPaths.SIGN_IN)
  String form(HttpServletRequest request) {
    return UiSession.principal(request) != null ? "redirect:" + UiPaths.HOME : "ui/sign-in";
  }

  @PostMapping(UiPaths.SIGN_IN)
  ModelAndView signIn(
      @RequestParam(required = false) String key,
      HttpServletRequest request,
      HttpServletResponse response,
      Model model) {
    // Sign-in guesses count with the bearer keys' failures of the same address.
    long blocked = failures.blockedFor(request.getRemoteAddr());
    if (blocked > 0) {
      response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(blocked));
      return refused(
          HttpStatus.TOO_MANY_REQUESTS,
          "Too many wrong keys from this address; try again in " + blocked + " s.");
    }
    if (key == null || key.isBlank()) {
      return refused(HttpStatus.BAD_REQUEST, "Enter an API key.");
    }
    Optional<ApiPrincipal> caller = keys.authenticate(key.strip());
    if (caller.isEmpty()) {
      failures.failed(request.getRemoteAddr());
      // Recorded only here: these are limited per address (AuthFailures), so no caller can flood
      // the trail; an empty form or one from a blocked address checks no key.
      audit.signInRefused(request, "unknown API key");
      LOG.warn("Dashboard sign-in refused from {}: unknown API key", request.getRemoteAddr());
      return refused(HttpStatus.UNAUTHORIZED, "That API key is not valid.");
    }
    UiSession.signIn(request, caller.get());
    audit.signedIn(request, caller.get());
    LOG.info("Dashboard sign-in: key '{}' from {}", caller.get().name(), request.getRemoteAddr());
    return new ModelAndView("redirect:" + UiPaths.HOME);
  }

  @RequiresScope(Scope.JOBS_READ)
  @PostMapping("/ui/sign-out")
  String signOut(HttpServletRequest request) {
    audit.record(AuditAction.SIGN_OUT, request.getRemoteUser(), null, null);
    UiSession.signOut(request);
    return "redirect:" + UiPaths.SIGN_IN;
  }

  private static ModelAndView refused(HttpStatus status, String error) {
    ModelAndView page = new ModelAndView("ui/sign-in", status);
    page.addObject("error", error);
    return page;
  }
}
