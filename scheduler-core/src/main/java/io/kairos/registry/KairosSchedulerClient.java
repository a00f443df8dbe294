package io.kairos.registry;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import io.kairos.schema.KairosSchema;
import javax.sql.DataSource;

/**
 * The db-scheduler client every Kairos writer of {@code scheduled_tasks} uses (API, declared-job
 * reconciliation, tests): it joins the caller's transaction, writes JSON task data, keeps
 * priorities and names the table in Kairos's schema. One place, so no caller can forget one of the
 * four.
 */
final class KairosSchedulerClient {

  private KairosSchedulerClient() {}

  public static SchedulerClient create(
      DataSource dataSource, Serializer serializer, KairosSchema schema) {
    DataSource joining =
        dataSource instanceof TransactionJoiningDataSource
            ? dataSource
            : new TransactionJoiningDataSource(dataSource);
    return SchedulerClient.Builder.create(joining)
        .serializer(serializer)
        .tableName(schema.table("scheduled_tasks"))
        .enablePriority()
        .build();
  }
}
