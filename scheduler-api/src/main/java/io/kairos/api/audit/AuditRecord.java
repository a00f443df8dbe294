package io.kairos.api.audit;

import com.fasterxml.jackson.databind.JsonNode;

/** An entry about to be appended: everything but its id and time, which the database gives. */
record AuditRecord(
    String actor,
    String channel,
    String session,
    String address,
    String action,
    String target,
    JsonNode before,
    JsonNode after) {}
