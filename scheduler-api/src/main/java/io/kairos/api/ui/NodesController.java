package io.kairos.api.ui;

import io.kairos.api.job.Paging;
import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.registry.ClusterOverviewStore;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/** Worker nodes in keyset pages: started, last seen, how alive, and what each is running now. */
@Controller
class NodesController {

  static final String CURSOR = "node:";
  static final int PAGE = 50;

  private final ClusterOverviewStore overview;
  private final UiProperties properties;

  NodesController(ClusterOverviewStore overview, UiProperties properties) {
    this.overview = overview;
    this.properties = properties;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/nodes")
  String nodes(
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) String tz,
      Model model) {
    String at = JobsController.blank(cursor);
    String after = at == null ? null : Paging.decodeCursor(CURSOR, at);
    List<ClusterOverviewStore.NodeStatus> page =
        overview.nodes(after, PAGE + 1, properties.nodeSilentAfter());
    List<ClusterOverviewStore.NodeStatus> shown = page.subList(0, Math.min(PAGE, page.size()));
    String next =
        page.size() > PAGE ? Paging.encodeCursor(CURSOR, shown.get(PAGE - 1).node().name()) : null;
    String zone = JobsController.blank(tz);
    model.addAttribute("nodes", shown);
    model.addAttribute("silentAfter", properties.nodeSilentAfter());
    model.addAttribute("here", link(at, zone));
    model.addAttribute("next", next == null ? null : link(next, zone));
    model.addAttribute("first", at == null ? null : link(null, zone));
    return "ui/nodes";
  }

  private static String link(String cursor, String tz) {
    return UriComponentsBuilder.fromPath("/ui/nodes")
        .queryParamIfPresent("cursor", Optional.ofNullable(cursor))
        .queryParamIfPresent("tz", Optional.ofNullable(tz))
        .encode()
        .build()
        .toUriString();
  }
}
