package io.kairos.api.audit;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One page of the audit trail, newest first; {@code nextCursor} is null on the last page. */
@Schema(name = "AuditPage")
public record AuditPage(List<AuditEntry> items, String nextCursor) {}
