package io.kairos.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.security.ApiPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Records who changed what: called by the services and controllers right after a change succeeded,
 * with summaries of the target before and after (callers build them from what the API shows, so
 * never a secret). Who and from where come from the request being served: the key's name, API or
 * dashboard (with a digest of the session, never its id) and the remote address.
 *
 * <p>An entry is written after the change committed, in a statement of its own: a change is never
 * refused or rolled back because its entry could not be written; that failure is logged as an error
 * naming the action and target. A single job's creation commits with its entry instead ({@link
 * #recordInTransaction}), to wait for one commit rather than two, and does the creation again alone
 * when the entry fails, so the same holds for it.
 */
public class AuditTrail {

  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  static final String UNKNOWN_KEY = "(unknown key)";

  private final AuditStore store;
  private final ObjectMapper json;

  AuditTrail(AuditStore store, ObjectMapper json) {
    this.store = store;
    this.json = json;
  }

  /** One change; {@code before} null when the target did not exist, {@code after} when gone. */
  public record Change(
      AuditAction action, String target, Map<String, ?> before, Map<String, ?> after) {}

  public void record(
      AuditAction action, String target, Map<String, ?> before, Map<String, ?> after) {
    recordAll(List.of(new Change(action, target, before, after)));
  }

  /** Changes made by one request (a batch), appended together. */
  public void recordAll(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    HttpServletRequest request = currentRequest();
    append(request, actorOf(request), changes);
  }

  /**
   * {@link #record}, in the caller's transaction, and failing with {@link NotRecorded} instead of
   * logging: the caller rolls its change back with the entry and does it again without one, which
   * then goes through {@link #record}. (A failed statement aborts PostgreSQL's transaction, so the
   * change could not commit without its entry anyway.)
   */
  public void recordInTransaction(
      AuditAction action, String target, Map<String, ?> before, Map<String, ?> after) {
    HttpServletRequest request = currentRequest();
    List<Change> changes = List.of(new Change(action, target, before, after));
    try {
      store.append(records(request, actorOf(request), changes));
    } catch (DataAccessException e) {
      throw new NotRecorded(e);
    }
  }

  /** An entry {@link #recordInTransaction} could not write; its transaction must roll back. */
  public static final class NotRecorded extends RuntimeException {
    NotRecorded(DataAccessException cause) {
      super("audit entry not written", cause);
    }
  }

  private static String actorOf(HttpServletRequest request) {
    return request != null && request.getUserPrincipal() instanceof ApiPrincipal caller
        ? caller.name()
        : UNKNOWN_KEY;
  }

  /** A dead job run again (through the API or the dashboard). */
  public void deadJobRequeued(String id, java.time.Instant nextRunAt) {
    Map<String, Object> after = new java.util.LinkedHashMap<>();
    after.put("state", "SCHEDULED");
    after.put("nextRunAt", nextRunAt);
    record(AuditAction.DEAD_JOB_REQUEUE, id, Map.of("state", "DEAD"), after);
  }

  /** A dead job deleted (through the API or the dashboard). */
  public void deadJobDeleted(String id) {
    record(AuditAction.DEAD_JOB_DELETE, id, Map.of("state", "DEAD"), null);
  }

  /** A bulk action's selection as entries name their target: group:g, type:t or both. */
  public static String selection(String group, String type) {
    if (group == null) {
      return "type:" + type;
    }
    return type == null ? "group:" + group : "group:" + group + ",type:" + type;
  }

  /** A dashboard sign-in by the key {@code principal}, in the session it just started. */
  public void signedIn(HttpServletRequest request, ApiPrincipal principal) {
    append(
        request,
        principal.name(),
        List.of(new Change(AuditAction.SIGN_IN, principal.name(), null, null)));
  }

  /** A refused dashboard sign-in: the key is never recorded, only why it was refused. */
  public void signInRefused(HttpServletRequest request, String why) {
    append(
        request,
        UNKNOWN_KEY,
        List.of(new Change(AuditAction.SIGN_IN_FAILED, null, null, Map.of("reason", why))));
  }

  private void append(HttpServletRequest request, String actor, List<Change> changes) {
    String address = request == null ? null : request.getRemoteAddr();
    try {
      store.append(records(request, actor, changes));
    } catch (DataAccessException e) {
      for (Change c : changes) {
        LOG.error(
            "Audit entry not written: {} of '{}' by '{}' from {}",
            c.action().text(),
            c.target(),
            actor,
            address,
            e);
      }
    }
  }

  private List<AuditRecord> records(
      HttpServletRequest request, String actor, List<Change> changes) {
    boolean dashboard =
        request != null
            && ("Session".equals(request.getAuthType())
                || request.getRequestURI().startsWith("/ui/"));
    String channel = dashboard ? "DASHBOARD" : "API";
    String session = dashboard ? sessionDigest(request) : null;
    String address = request == null ? null : request.getRemoteAddr();
    return changes.stream()
        .map(
            c ->
                new AuditRecord(
                    actor,
                    channel,
                    session,
                    address,
                    c.action().text(),
                    c.target(),
                    tree(c.before()),
                    tree(c.after())))
        .toList();
  }

  private JsonNode tree(Map<String, ?> summary) {
    return summary == null ? null : json.valueToTree(summary);
  }

  private static HttpServletRequest currentRequest() {
    RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
    return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest() : null;
  }

  /** Tells one session's entries apart without giving anyone the id to take the session over. */
  private static String sessionDigest(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return null;
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(session.getId().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
