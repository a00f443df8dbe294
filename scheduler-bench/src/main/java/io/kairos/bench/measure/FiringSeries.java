package io.kairos.bench.measure;

/**
 * Firing delays of one series of jobs, and where the time went when a wake-up was involved.
 *
 * @param delay due → attempt started, per job
 * @param dueToTransaction due → the API's transaction that created the job began (the job's {@code
 *     createdAt}); only for jobs due at once, empty for jobs due later
 * @param dueToWakeUp due → the {@code kairos_due} notification arrived: the API's commit, its
 *     coalescing pause and the NOTIFY (empty without wake-ups)
 * @param wakeUpToStart notification → attempt started: the worker's wake, claim and start of the
 *     attempt (empty without wake-ups)
 * @param wakeUpsMissed jobs that were woken but started only more than {@link
 *     FiringDelay#MISSED_WAKE_UP} later: the wake-up found nothing due, and a poll found the job
 */
public record FiringSeries(
    Stats delay,
    Stats dueToTransaction,
    Stats dueToWakeUp,
    Stats wakeUpToStart,
    int wakeUpsMissed) {}
