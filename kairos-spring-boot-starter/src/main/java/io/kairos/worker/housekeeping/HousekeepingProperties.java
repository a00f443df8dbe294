package io.kairos.worker.housekeeping;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Housekeeping that runs on one worker at a time (ShedLock), independent of db-scheduler.
 *
 * @param enabled run housekeeping on this worker at all
 * @param pruneEvery how often history, finished jobs and dead nodes are pruned
 * @param historyRetention attempts (and finished one-time jobs) older than this are deleted
 * @param deadRetention dead and cancelled jobs are deleted this long after they became so
 * @param nodeRetention worker nodes not seen for this long are deleted
 * @param batchSize rows deleted per transaction
 * @param watchdogEvery how often the stale-job watchdog looks
 * @param staleTolerance a recurring job is stale after this many intervals without success …
 * @param staleGrace … plus this
 * @param unclaimedAfter a due one-time job nobody claimed for this long is stale
 */
@Validated
@ConfigurationProperties("kairos.housekeeping")
public record HousekeepingProperties(
    @DefaultValue("true") boolean enabled,
    @NotNull @DefaultValue("1m") Duration pruneEvery,
    @NotNull @DefaultValue("30d") Duration historyRetention,
    @NotNull @DefaultValue("30d") Duration deadRetention,
    @NotNull @DefaultValue("1h") Duration nodeRetention,
    @Min(1) @Max(100_000) @DefaultValue("1000") int batchSize,
    @NotNull @DefaultValue("30s") Duration watchdogEvery,
    @DecimalMin("1.0") @DefaultValue("2.0") double staleTolerance,
    @NotNull @DefaultValue("1m") Duration staleGrace,
    @NotNull @DefaultValue("1m") Duration unclaimedAfter) {}
