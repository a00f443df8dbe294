package io.kairos.examples.invoice;

import io.kairos.examples.invoice.InvoiceService.InvalidInvoice;
import io.kairos.examples.invoice.InvoiceService.NewInvoice;
import io.kairos.job.InvalidJobException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /invoices}: the application's own endpoint, not Kairos's API. */
@RestController
class InvoiceController {

  private final InvoiceService invoices;

  InvoiceController(InvoiceService invoices) {
    this.invoices = invoices;
  }

  @PostMapping("/invoices")
  ResponseEntity<Map<String, String>> create(@RequestBody NewInvoice invoice) {
    String reminder = invoices.create(invoice);
    return ResponseEntity.created(URI.create("/invoices/" + invoice.id()))
        .body(Map.of("id", invoice.id(), "reminderJob", reminder));
  }

  /** The invoice was refused (after its insert, which rolled back), or its reminder was. */
  @ExceptionHandler({InvalidInvoice.class, InvalidJobException.class})
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  Map<String, String> refused(RuntimeException e) {
    return Map.of("error", e.getMessage());
  }
}
