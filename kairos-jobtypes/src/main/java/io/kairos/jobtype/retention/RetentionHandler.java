package io.kairos.jobtype.retention;

import io.kairos.job.InvalidJobException;
import io.kairos.job.JobContext;
import io.kairos.job.JobHandler;
import io.kairos.job.PermanentJobFailure;
import javax.sql.DataSource;

/**
 * Deletes old rows in batches, each its own short transaction, until a batch comes back short.
 * Re-running it is harmless (retention is naturally idempotent). Interruption (timeout, lost lease)
 * stops it between batches; what was deleted stays deleted.
 *
 * <p>This type is for operators: it is declared in configuration ({@code kairos.jobs}) and is not
 * in the API's catalogue, so nobody can point it at a table over HTTP.
 */
public final class RetentionHandler implements JobHandler<RetentionPayload> {

  private final RetentionStore store;

  public RetentionHandler(DataSource dataSource) {
    this.store = new RetentionStore(dataSource);
  }

  /** Fails with the offending field unless the table and column exist; used at start-up too. */
  public void checkTarget(RetentionPayload payload) {
    if (!store.tableExists(payload)) {
      throw new InvalidJobException("table", "'" + payload.table() + "' does not exist");
    }
    if (!store.columnExists(payload)) {
      throw new InvalidJobException(
          "column", "'" + payload.column() + "' is not a column of " + payload.table());
    }
  }

  @Override
  public void handle(RetentionPayload payload, JobContext context) throws InterruptedException {
    try {
      checkTarget(payload);
    } catch (InvalidJobException e) {
      throw new PermanentJobFailure(e.getMessage(), e);
    }
    long deleted = 0;
    int batches = 0;
    int last;
    do {
      if (Thread.interrupted()) {
        context.report("deleted " + deleted + " rows in " + batches + " batches, then stopped");
        throw new InterruptedException("stopped after " + batches + " batches");
      }
      last = store.deleteBatch(payload);
      deleted += last;
      batches++;
    } while (last == payload.batchSize());
    context.report(
        "deleted " + deleted + " rows from " + payload.table() + " in " + batches + " batches");
  }
}
