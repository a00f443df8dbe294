package io.kairos.api.ui;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.job.JobState;
import io.kairos.registry.ClusterOverviewStore;
import java.util.Arrays;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The overview: how many jobs in which state, what ran in the last hour, what needs attention. */
@Controller
class OverviewController {

  static final int RECOVERIES = 10;

  private final ClusterOverviewStore overview;
  private final UiProperties properties;

  OverviewController(ClusterOverviewStore overview, UiProperties properties) {
    this.overview = overview;
    this.properties = properties;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping(UiPaths.HOME)
  String overview(Model model) {
    ClusterOverviewStore.Snapshot snapshot =
        overview.snapshot(properties.nodeSilentAfter(), RECOVERIES);
    UiFormat fmt = (UiFormat) model.getAttribute("fmt");
    List<StateCount> states =
        Arrays.stream(JobState.values())
            .map(s -> new StateCount(s.name(), snapshot.jobsByState().getOrDefault(s, 0L)))
            .toList();
    model.addAttribute("snapshot", snapshot);
    model.addAttribute("states", states);
    model.addAttribute("chart", OverviewChart.of(snapshot, fmt));
    model.addAttribute("narrowChart", OverviewChart.narrow(snapshot, fmt));
    return "ui/overview";
  }

  record StateCount(String state, long count) {}
}
