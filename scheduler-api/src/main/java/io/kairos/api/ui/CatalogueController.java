package io.kairos.api.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.Paging;
import io.kairos.api.jobtype.JobTypes;
import io.kairos.api.limit.LimitController;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.jobtype.oauth.CredentialStore;
import io.kairos.jobtype.oauth.OAuthCredential;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What this deployment knows: job types with their payload schemas (as {@code /api/v1/job-types})
 * and the flow limits on them with what waits on each (as {@code /api/v1/limits}), and OAuth
 * credentials with their status (admin only, as {@code /api/v1/oauth/credentials}; never a secret).
 */
@Controller
class CatalogueController {

  static final String CURSOR = "cred:";
  static final int PAGE = 50;

  private final JobTypes types;
  private final CredentialStore credentials;
  private final ObjectMapper json;
  private final LimitController limits;

  CatalogueController(
      JobTypes types, CredentialStore credentials, ObjectMapper json, LimitController limits) {
    this.limits = limits;
    this.types = types;
    this.credentials = credentials;
    this.json = json;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/job-types")
  String jobTypes(Model model) {
    model.addAttribute("types", types.list().stream().map(this::view).toList());
    model.addAttribute("limits", limits.list());
    return "ui/job-types";
  }

  @RequiresScope(Scope.ADMIN)
  @GetMapping("/ui/credentials")
  String credentials(
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String tz,
      Model model) {
    String at = JobsController.blank(cursor);
    String after = at == null ? null : Paging.decodeCursor(CURSOR, at);
    List<OAuthCredential> page = credentials.list(after, PAGE + 1);
    List<OAuthCredential> shown = page.subList(0, Math.min(PAGE, page.size()));
    String next = page.size() > PAGE ? Paging.encodeCursor(CURSOR, shown.get(PAGE - 1).id()) : null;
    String zone = JobsController.blank(tz);
    model.addAttribute("credentials", shown);
    model.addAttribute("next", next == null ? null : link(next, zone));
    model.addAttribute("first", at == null ? null : link(null, zone));
    return "ui/credentials";
  }

  private static String link(String cursor, String tz) {
    return UriComponentsBuilder.fromPath("/ui/credentials")
        .queryParamIfPresent("cursor", Optional.ofNullable(cursor))
        .queryParamIfPresent("tz", Optional.ofNullable(tz))
        .encode()
        .build()
        .toUriString();
  }

  private TypeView view(JobTypes.JobTypeResponse type) {
    try {
      return new TypeView(
          type.name(),
          type.description(),
          type.builtIn(),
          type.servedBy().stream().map(JobTypes.ServingNode::node).toList(),
          type.liveSchemaVersions(),
          json.writerWithDefaultPrettyPrinter().writeValueAsString(type.payloadSchema()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  record TypeView(
      String name,
      String description,
      boolean builtIn,
      List<String> servedBy,
      int liveSchemaVersions,
      String schema) {}
}
