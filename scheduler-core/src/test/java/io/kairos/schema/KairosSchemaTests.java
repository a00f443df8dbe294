package io.kairos.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KairosSchemaTests {

  @Test
  void qualifiesEachOfKairossTablesAsAWholeWord() {
    KairosSchema schema = KairosSchema.of("jobs");

    assertThat(
            schema.sql(
                "with moved as (delete from scheduled_tasks t using kairos_job j where j.id = ?)"
                    + " update kairos_job set state = 'PAUSED' from moved where kairos_job.id = ?"
                    + " and exists (select 1 from kairos_job_run r) and not exists (select 1 from"
                    + " kairos_control where paused)"))
        .isEqualTo(
            "with moved as (delete from jobs.scheduled_tasks t using jobs.kairos_job j where j.id"
                + " = ?) update jobs.kairos_job set state = 'PAUSED' from moved where"
                + " jobs.kairos_job.id = ? and exists (select 1 from jobs.kairos_job_run r) and not"
                + " exists (select 1 from jobs.kairos_control where paused)");
  }

  @Test
  void leavesQualifiedQuotedAndLongerNamesAlone() {
    String statement =
        "select 1 from public.kairos_job, \"kairos_job\" where name = 'kairos_node'"
            + " and kairos_job_state_idx is null and j.shedlock_x = my_scheduled_tasks";

    assertThat(KairosSchema.DEFAULT.sql(statement)).isEqualTo(statement);
  }

  @Test
  void namesATableInTheSchema() {
    assertThat(KairosSchema.DEFAULT.table("scheduled_tasks")).isEqualTo("kairos.scheduled_tasks");
    assertThat(KairosSchema.of("other").table("shedlock")).isEqualTo("other.shedlock");
    assertThatThrownBy(() -> KairosSchema.DEFAULT.table("invoice"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Kairos", "1kairos", "kairos-jobs", "kairos.jobs", "pg_kairos"})
  void refusesWhatIsNotAPlainIdentifierOrIsPostgresqlsOwn(String name) {
    assertThatThrownBy(() -> KairosSchema.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
  }

  @Test
  void acceptsPlainIdentifiersPublicIncluded() {
    assertThat(KairosSchema.of("kairos")).isSameAs(KairosSchema.DEFAULT);
    assertThat(KairosSchema.of("public").name()).isEqualTo("public");
    assertThat(KairosSchema.of("_jobs_2").name()).isEqualTo("_jobs_2");
    assertThat(KairosSchema.of("a".repeat(63)).name()).hasSize(63);
    assertThatThrownBy(() -> KairosSchema.of("a".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
