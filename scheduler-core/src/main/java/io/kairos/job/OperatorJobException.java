package io.kairos.job;

/**
 * A caller without operator rights tried to change, pause, resume, run or cancel a job that belongs
 * to the operators ({@link JobSource#CONFIG}) or to Kairos ({@link JobSource#SYSTEM}). Nothing was
 * changed.
 */
public final class OperatorJobException extends RuntimeException {

  private final String id;
  private final JobSource source;

  public OperatorJobException(String id, JobSource source, String action) {
    super(
        "job '"
            + id
            + "' "
            + (source == JobSource.CONFIG
                ? "is declared by the operators in the workers' configuration (kairos.jobs)"
                : "is kept by Kairos itself (a system job)")
            + "; only an operator (admin) may "
            + action
            + " it");
    this.id = id;
    this.source = source;
  }

  public String id() {
    return id;
  }

  public JobSource source() {
    return source;
  }
}
