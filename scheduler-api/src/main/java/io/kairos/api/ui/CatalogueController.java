package io.kairos.api.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kairos.api.job.Paging;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.catalogue.JobCatalogue;
import io.kairos.catalogue.PayloadSchemas;
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
 * What this deployment knows: job types with their payload schemas (as {@code /api/v1/job-types}),
 * and OAuth credentials with their status (admin only, as {@code /api/v1/oauth/credentials}; never
 * a secret).
 */
@Controller
class CatalogueController {

  static final String CURSOR = "cred:";
  static final int PAGE = 50;

  private final List<TypeView> types;
  private final CredentialStore credentials;

  CatalogueController(JobCatalogue catalogue, CredentialStore credentials, ObjectMapper json) {
    this.credentials = credentials;
    PayloadSchemas schemas = new PayloadSchemas();
    // The catalogue is fixed at start, so its schemas are rendered once.
    this.types =
        catalogue.types().stream()
            .map(
                type -> {
                  try {
                    return new TypeView(
                        type.name(),
                        type.description(),
                        json.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(schemas.schemaOf(type.payloadClass())));
                  } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                  }
                })
            .toList();
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/job-types")
  String jobTypes(Model model) {
    model.addAttribute("types", types);
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

  record TypeView(String name, String description, String schema) {}
}
