package io.kairos.job;

import io.kairos.job.log.LogHandler;
import io.kairos.job.noop.NoopHandler;
import java.util.List;

/** The job types every Kairos deployment knows; worker and API build their catalogue from it. */
public final class BuiltInJobTypes {

  private BuiltInJobTypes() {}

  public static List<JobType<?>> all() {
    return List.of(NoopHandler.TYPE, LogHandler.TYPE);
  }
}
