package io.kairos.examples.invoice;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The payload of an {@code invoice-reminder} job. */
public record InvoiceReminder(
    @JsonProperty(required = true) String invoiceId,
    @JsonProperty(required = true) String customer,
    long amountCents) {}
