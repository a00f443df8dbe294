package io.kairos.jobtype.log;

import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs the payload's message with the job id and occurrence. */
public final class LogHandler implements JobHandler<LogPayload> {

  private static final Logger LOG = LoggerFactory.getLogger("kairos.job.log");

  @Override
  public void handle(LogPayload payload, JobContext context) {
    LOG.info(
        "[job {} attempt {} on {}] {}",
        context.jobId(),
        context.attempt(),
        context.node(),
        LogText.oneLine(payload.message())); // no forged lines
  }
}
