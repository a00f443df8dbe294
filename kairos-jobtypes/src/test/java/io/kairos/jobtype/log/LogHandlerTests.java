package io.kairos.jobtype.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kairos.job.JobContext;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log job type writes one line, whatever the message holds. */
class LogHandlerTests {

  @Test
  void lineBreaksInAMessageAreEscapedSoItCannotForgeLogLines() {
    Logger logger = (Logger) LoggerFactory.getLogger("kairos.job.log");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      new LogHandler()
          .handle(
              new LogPayload("hello\r\n12:00:00.000 ERROR [main] forged - admin password reset"),
              new JobContext("j", "log", Instant.EPOCH, 1, false, "n"));
    } finally {
      logger.detachAppender(appender);
    }

    assertThat(appender.list).hasSize(1);
    String line = appender.list.get(0).getFormattedMessage();
    assertThat(line).doesNotContain("\r").doesNotContain("\n");
    assertThat(line)
        .isEqualTo(
            "[job j attempt 1 on n] hello\\r\\n12:00:00.000 ERROR [main] forged - admin password"
                + " reset");
  }

  @Test
  void lineAndParagraphSeparatorsAndOtherControlsAreEscapedToo() {
    Logger logger = (Logger) LoggerFactory.getLogger("kairos.job.log");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      new LogHandler()
          .handle(
              new LogPayload("a\u2028b\u2029c\u0085d\u001b[31me\tf"),
              new JobContext("j", "log", Instant.EPOCH, 1, false, "n"));
    } finally {
      logger.detachAppender(appender);
    }
    assertThat(appender.list.get(0).getFormattedMessage())
        .isEqualTo("[job j attempt 1 on n] a\\u2028b\\u2029c\\u0085d\\u001b[31me\tf");
  }
}
