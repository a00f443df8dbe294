package io.kairos.jobtype.oauth;

import io.kairos.job.InvalidJobException;
import io.kairos.outbound.OutboundHttp;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a credential's access token may be sent, and who besides admins may make jobs that send it.
 * An admin sets both; the token never goes anywhere else, whoever asks.
 *
 * <p>A target is a URL prefix: {@code https://api.crm.example} (that origin: scheme, host and port)
 * or {@code https://api.crm.example/v2} (that origin, paths {@code /v2} and below only, not {@code
 * /v2x}). A request URL matches when its scheme, host and port are the target's and its path is at
 * or below the target's path; a path with {@code .} or {@code ..} segments or with an encoded dot,
 * slash or backslash never matches a target that has a path, since a receiver could resolve it
 * elsewhere.
 *
 * @param allowedTargets URL prefixes a request carrying the token may go to; empty: none
 * @param allowedKeys names of the callers that may create jobs using the credential besides admin
 *     keys: API key names ({@code kairos.api.keys[n].name}), {@code app:<spring.application.name>}
 *     for an application's {@code KairosJobs}; empty: admin keys only
 */
public record CredentialBinding(List<String> allowedTargets, List<String> allowedKeys) {

  /** Bound to nothing: no webhook may send the token, and only admins may use it. */
  public static final CredentialBinding NONE = new CredentialBinding(List.of(), List.of());

  static final int MAX_TARGETS = 50;
  static final int MAX_KEYS = 100;
  static final int MAX_TARGET_LENGTH = 2048;
  private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,200}");
  private static final Pattern PLAIN_PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@-]*)*");

  public CredentialBinding {
    allowedTargets = allowedTargets == null ? List.of() : allowedTargets;
    allowedKeys = allowedKeys == null ? List.of() : allowedKeys;
    if (allowedTargets.size() > MAX_TARGETS) {
      throw new InvalidJobException("allowedTargets", "has more than " + MAX_TARGETS + " entries");
    }
    if (allowedKeys.size() > MAX_KEYS) {
      throw new InvalidJobException("allowedKeys", "has more than " + MAX_KEYS + " entries");
    }
    List<String> targets = new ArrayList<>();
    for (int i = 0; i < allowedTargets.size(); i++) {
      targets.add(Target.parse("allowedTargets[" + i + "]", allowedTargets.get(i)).text());
    }
    for (int i = 0; i < allowedKeys.size(); i++) {
      String name = allowedKeys.get(i);
      if (name == null || !KEY_NAME.matcher(name).matches()) {
        throw new InvalidJobException(
            "allowedKeys[" + i + "]", "must be a key name ([A-Za-z0-9._:@-]{1,200})");
      }
    }
    allowedTargets = List.copyOf(new LinkedHashSet<>(targets));
    allowedKeys = List.copyOf(new LinkedHashSet<>(allowedKeys));
  }

  /** Whether a request to {@code url} may carry the token. */
  public boolean allowsTarget(URI url) {
    for (String target : allowedTargets) {
      if (Target.parse("allowedTargets", target).matches(url)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the caller {@code name}, not an admin, may create jobs using the credential. */
  public boolean allowsKey(String name) {
    return name != null && allowedKeys.contains(name);
  }

  /** One target, parsed: scheme and host in lower case, the port always given. */
  private record Target(String scheme, String host, int port, String path) {

    static Target parse(String field, String text) {
      if (text == null || text.isBlank() || text.length() > MAX_TARGET_LENGTH) {
        throw new InvalidJobException(
            field, "must be an http(s) URL prefix such as https://api.example.com/v2");
      }
      URI uri;
      try {
        uri = new URI(text.strip());
      } catch (URISyntaxException e) {
        throw new InvalidJobException(field, "is not a valid URL: " + e.getReason());
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
        throw new InvalidJobException(field, "must be an absolute http or https URL");
      }
      if (uri.getHost() == null) {
        throw new InvalidJobException(field, "must name a host");
      }
      if (uri.getRawUserInfo() != null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new InvalidJobException(
            field, "must be scheme, host, port and path only (no user, query or fragment)");
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (!PLAIN_PATH.matcher(path).matches() || hasDotSegment(path)) {
        throw new InvalidJobException(
            field, "must have a plain path: no escapes (%), no '.' or '..' segments");
      }
      if (path.equals("/")) {
        path = "";
      }
      return new Target(
          scheme, OutboundHttp.normalise(uri.getHost()), port(scheme, uri.getPort()), path);
    }

    String text() {
      boolean defaultPort = port == (scheme.equals("https") ? 443 : 80);
      String shownHost = host.contains(":") ? "[" + host + "]" : host;
      return scheme + "://" + shownHost + (defaultPort ? "" : ":" + port) + path;
    }

    boolean matches(URI url) {
      if (url == null || url.getScheme() == null || url.getHost() == null) {
        return false;
      }
      String urlScheme = url.getScheme().toLowerCase(Locale.ROOT);
      if (!urlScheme.equals(scheme)
          || !OutboundHttp.normalise(url.getHost()).equals(host)
          || port(urlScheme, url.getPort()) != port) {
        return false;
      }
      if (path.isEmpty()) {
        return true;
      }
      String urlPath = url.getRawPath() == null ? "" : url.getRawPath();
      String lower = urlPath.toLowerCase(Locale.ROOT);
      if (lower.contains("%2e")
          || lower.contains("%2f")
          || lower.contains("%5c")
          || urlPath.contains("\\")
          || hasDotSegment(urlPath)) {
        return false;
      }
      return urlPath.equals(path) || urlPath.startsWith(path.endsWith("/") ? path : path + "/");
    }

    private static boolean hasDotSegment(String path) {
      for (String segment : path.split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          return true;
        }
      }
      return false;
    }

    private static int port(String scheme, int port) {
      return port != -1 ? port : scheme.equals("https") ? 443 : 80;
    }
  }
}
