package io.kairos.catalogue;

/**
 * Who may create jobs that use a stored OAuth credential, and where its token may go: applied
 * wherever a job is created by a known caller (the API's single, batch and PUT creations, an
 * application's {@code KairosJobs}, a handler's follow-ups). The credentials and the types that use
 * them are kairos-jobtypes', which implements this; the core only asks.
 */
@FunctionalInterface
public interface CredentialUses {

  /** For catalogues without stored credentials (tests, tools): nothing is checked. */
  CredentialUses UNCHECKED = (payload, caller, operator) -> {};

  /**
   * Refuses a job whose bound payload uses a credential {@code caller} may not use ({@link
   * CredentialNotAllowed}), or sends its token where it may not go ({@link
   * io.kairos.job.InvalidJobException} naming the field).
   *
   * @param payload a payload as {@link JobCatalogue#bind} returned it
   * @param operator whether the caller is an admin key (or an operator acting for one)
   */
  void check(Object payload, String caller, boolean operator);
}
