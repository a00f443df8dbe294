package ${package};

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The payload of an {@code order-confirmation} job. Its constraints are published in the type's
 * JSON Schema and checked wherever a job of it is created (this application's code, the Kairos
 * API, the dashboard): a payload that breaks one is refused, naming each failing field.
 */
public record OrderConfirmation(
    @NotBlank @Size(max = 64) String orderId,
    @NotBlank @Email String customerEmail,
    @Positive long amountCents) {}
