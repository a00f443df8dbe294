package io.kairos.api.ui;

import io.kairos.api.audit.AuditAction;
import io.kairos.api.audit.AuditPage;
import io.kairos.api.audit.AuditReader;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The audit trail for admins: who changed what, newest first, filtered and paged as {@code GET
 * /api/v1/audit} is (the same reader, the same checks).
 */
@Controller
class AuditTrailController {

  static final int PAGE = 50;

  private final AuditReader reader;

  AuditTrailController(AuditReader reader) {
    this.reader = reader;
  }

  @RequiresScope(Scope.ADMIN)
  @GetMapping("/ui/audit")
  String list(
      @RequestParam(required = false) String actor,
      @RequestParam(required = false) String action,
      @RequestParam(required = false) String target,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String tz,
      Model model) {
    Filter filter =
        new Filter(
            JobsController.blank(actor),
            JobsController.blank(action),
            JobsController.blank(target),
            JobsController.blank(tz));
    String at = JobsController.blank(cursor);
    AuditPage page =
        reader.read(filter.actor(), filter.action(), filter.target(), null, null, at, PAGE);
    model.addAttribute("filter", filter);
    model.addAttribute("entries", page.items());
    model.addAttribute(
        "actions", Arrays.stream(AuditAction.values()).map(AuditAction::text).toList());
    model.addAttribute("here", filter.link(at));
    model.addAttribute("first", at == null ? null : filter.link(null));
    model.addAttribute("next", page.nextCursor() == null ? null : filter.link(page.nextCursor()));
    return "ui/audit";
  }

  /** The page's filter as the form shows it, and links that keep it. */
  record Filter(String actor, String action, String target, String tz) {

    String link(String cursor) {
      return UriComponentsBuilder.fromPath("/ui/audit")
          .queryParamIfPresent("actor", Optional.ofNullable(actor))
          .queryParamIfPresent("action", Optional.ofNullable(action))
          .queryParamIfPresent("target", Optional.ofNullable(target))
          .queryParamIfPresent("cursor", Optional.ofNullable(cursor))
          .queryParamIfPresent("tz", Optional.ofNullable(tz))
          .encode()
          .build()
          .toUriString();
    }
  }
}
