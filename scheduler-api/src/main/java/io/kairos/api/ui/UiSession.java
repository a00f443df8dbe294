package io.kairos.api.ui;

import io.kairos.api.security.ApiPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dashboard's server-side session: who signed in (the key's name and scopes, never the key) and
 * the synchronizer token every changing form must send back. The browser holds only the session
 * cookie (HttpOnly, SameSite=Strict, path /ui; Secure over https), configured in kairos-api.yml.
 */
final class UiSession {

  static final String CSRF_PARAMETER = "_csrf";
  private static final String PRINCIPAL = UiSession.class.getName() + ".principal";
  private static final String CSRF = UiSession.class.getName() + ".csrf";
  private static final SecureRandom RANDOM = new SecureRandom();

  private UiSession() {}

  /** The signed-in caller, if any. */
  static ApiPrincipal principal(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    return session == null ? null : (ApiPrincipal) session.getAttribute(PRINCIPAL);
  }

  /** The session's token, creating session and token when there are none (the sign-in form). */
  static String csrfToken(HttpServletRequest request) {
    HttpSession session = request.getSession(true);
    String token = (String) session.getAttribute(CSRF);
    if (token == null) {
      token = newToken();
      session.setAttribute(CSRF, token);
    }
    return token;
  }

  /**
   * Whether the request carries its session's token (compared in constant time), in the form's
   * body: a token in the URL would leak through history, logs and {@code Referer}, so one there
   * counts as none.
   */
  static boolean csrfMatches(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    String expected = session == null ? null : (String) session.getAttribute(CSRF);
    if (inQuery(request.getQueryString())) {
      return false;
    }
    String presented = request.getParameter(CSRF_PARAMETER);
    return expected != null
        && presented != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean inQuery(String query) {
    if (query == null) {
      return false;
    }
    for (String pair : query.split("&")) {
      String name = pair.split("=", 2)[0];
      if (java.net.URLDecoder.decode(name, StandardCharsets.UTF_8).equals(CSRF_PARAMETER)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Signs in: a new session id (so an id planted before sign-in is worthless) and a new token, with
   * the caller kept server-side.
   */
  static void signIn(HttpServletRequest request, ApiPrincipal principal) {
    request.getSession(true);
    request.changeSessionId();
    HttpSession session = request.getSession(false);
    session.setAttribute(PRINCIPAL, principal);
    session.setAttribute(CSRF, newToken());
  }

  static void signOut(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
  }

  private static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
