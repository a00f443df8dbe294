package io.kairos.api.ui;

import io.kairos.api.security.RequiresScope;
import io.kairos.api.security.Scope;
import io.kairos.job.InvalidJobException;
import io.kairos.registry.AttemptTimelineStore;
import io.kairos.registry.ClusterOverviewStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * What happened, as a picture: attempts per node over the last minutes or hours, failovers marked.
 */
@Controller
class TimelineController {

  /** The windows offered; the first is the default. */
  static final Map<String, Duration> WINDOWS = new LinkedHashMap<>();

  static {
    WINDOWS.put("15m", Duration.ofMinutes(15));
    WINDOWS.put("1h", Duration.ofHours(1));
    WINDOWS.put("6h", Duration.ofHours(6));
  }

  /** At most this many attempts drawn (failed ones first): a busy hour stays a small page. */
  static final int MAX_ATTEMPTS = 1500;

  static final int MAX_NODES = 50;

  private final AttemptTimelineStore timeline;
  private final ClusterOverviewStore overview;
  private final UiProperties properties;

  TimelineController(
      AttemptTimelineStore timeline, ClusterOverviewStore overview, UiProperties properties) {
    this.timeline = timeline;
    this.overview = overview;
    this.properties = properties;
  }

  @RequiresScope(Scope.JOBS_READ)
  @GetMapping("/ui/timeline")
  String timeline(@RequestParam(required = false) String window, Model model) {
    String chosen = JobsController.blank(window) == null ? "15m" : window.strip();
    Duration span = WINDOWS.get(chosen);
    if (span == null) {
      throw new InvalidJobException("window", "must be one of " + WINDOWS.keySet());
    }
    UiFormat fmt = (UiFormat) model.getAttribute("fmt");
    model.addAttribute("window", chosen);
    model.addAttribute("windows", WINDOWS.keySet());
    model.addAttribute(
        "timeline",
        FailoverTimeline.of(
            timeline.attempts(span, MAX_ATTEMPTS),
            overview.nodes(null, MAX_NODES, properties.nodeSilentAfter()),
            fmt));
    model.addAttribute("maxAttempts", MAX_ATTEMPTS);
    return "ui/timeline";
  }
}
