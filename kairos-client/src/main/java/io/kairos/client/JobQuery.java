package io.kairos.client;

/**
 * Filters and paging of {@code GET /api/v1/jobs}: jobs in id order, every given filter applied.
 * {@code idPrefix} is taken literally; {@code stale} keeps only jobs the stale-job watchdog marks;
 * {@code cursor} is the previous page's {@code nextCursor}; {@code limit} is the page size, 1 to
 * 500 (null: the API's default, 50). Start from {@link #all()} and narrow it with the {@code with…}
 * methods, each of which returns a new query.
 */
public record JobQuery(
    String type,
    String group,
    JobState state,
    String idPrefix,
    boolean stale,
    String cursor,
    Integer limit) {

  /** Every job, first page, the API's page size. */
  public static JobQuery all() {
    return new JobQuery(null, null, null, null, false, null, null);
  }

  public JobQuery withType(String type) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withGroup(String group) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withState(JobState state) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withIdPrefix(String idPrefix) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withStale(boolean stale) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withCursor(String cursor) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  public JobQuery withLimit(Integer limit) {
    return new JobQuery(type, group, state, idPrefix, stale, cursor, limit);
  }

  /** The same filters, on the page after {@code page} (null when {@code page} was the last). */
  public JobQuery after(Page<?> page) {
    return page.nextCursor() == null ? null : withCursor(page.nextCursor());
  }
}
