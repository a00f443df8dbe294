package io.kairos.api.ui;

import io.kairos.api.problem.ApiProblem;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobChangedMeanwhile;
import io.kairos.job.JobConflict;
import io.kairos.job.JobStateConflict;
import io.kairos.job.UnknownJobException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** What an action did to one item: shown on the next page, one line per item. */
record ActionResult(String id, boolean ok, String message) {

  static final int MAX_ITEMS = 500;

  /**
   * Applies {@code action} to each id in turn; one item's refusal (running, final, unknown) does
   * not stop the others. Nothing is done unless confirmed and at least one item is chosen (400).
   */
  static List<ActionResult> applyEach(
      List<String> ids, String confirm, String what, Function<String, String> action) {
    return applyEach(ids, confirm, what, chosen -> {}, action);
  }

  /**
   * As {@link #applyEach(List, String, String, Function)}, running {@code before} on the chosen ids
   * once the request is found well formed and before anything is done: a refusal there (a job the
   * caller may not change) refuses the whole request.
   */
  static List<ActionResult> applyEach(
      List<String> ids,
      String confirm,
      String what,
      Consumer<Collection<String>> before,
      Function<String, String> action) {
    if (!"yes".equals(confirm)) {
      throw new InvalidJobException(
          "confirm", "tick 'confirm' to " + what + "; nothing was changed");
    }
    if (ids == null || ids.isEmpty()) {
      throw new InvalidJobException("ids", "choose at least one item to " + what);
    }
    if (ids.size() > MAX_ITEMS) {
      throw new InvalidJobException("ids", "choose at most " + MAX_ITEMS + " items at once");
    }
    Set<String> chosen = new LinkedHashSet<>(ids);
    before.accept(chosen);
    List<ActionResult> results = new ArrayList<>();
    for (String id : chosen) {
      try {
        results.add(new ActionResult(id, true, action.apply(id)));
      } catch (JobStateConflict
          | UnknownJobException
          | InvalidJobException
          | JobConflict
          | JobChangedMeanwhile e) {
        results.add(new ActionResult(id, false, e.getMessage()));
      } catch (ApiProblem e) {
        results.add(new ActionResult(id, false, e.problem().getDetail()));
      }
    }
    return results;
  }

  /**
   * Where to go back after an action: a dashboard page the form named, or {@code fallback}. Never
   * another site (no scheme, no {@code //}, no backslash or line break).
   */
  static String back(String back, String fallback) {
    if (back == null
        || !back.startsWith("/ui/")
        || back.contains("//")
        || back.contains("\\")
        || back.chars().anyMatch(c -> c < 0x20)) {
      return fallback;
    }
    return back;
  }
}
