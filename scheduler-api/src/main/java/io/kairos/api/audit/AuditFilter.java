package io.kairos.api.audit;

import java.time.Instant;

/** Which entries a page shows: each given field narrows it, null ones do not. */
record AuditFilter(String actor, String action, String target, Instant since, Instant until) {}
