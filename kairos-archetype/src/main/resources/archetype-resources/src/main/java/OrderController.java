package ${package};

import ${package}.OrderService.NewOrder;
import io.kairos.job.InvalidJobException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders}: this application's own endpoint (not the Kairos API). */
@RestController
class OrderController {

  private final OrderService orders;

  OrderController(OrderService orders) {
    this.orders = orders;
  }

  @PostMapping("/orders")
  ResponseEntity<Map<String, String>> place(@RequestBody NewOrder order) {
    String job = orders.place(order);
    return ResponseEntity.created(URI.create("/orders/" + order.id()))
        .body(Map.of("id", order.id(), "confirmationJob", job));
  }

  /** The confirmation's payload was refused: every failing field, as the Kairos API names them. */
  @ExceptionHandler(InvalidJobException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  Map<String, List<Map<String, String>>> refused(InvalidJobException e) {
    return Map.of(
        "errors",
        e.problems().stream()
            .map(problem -> Map.of("field", problem.field(), "detail", problem.reason()))
            .toList());
  }
}
