package io.kairos.job;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A job definition that Kairos refuses: an unknown type, a payload not matching its type, a bad
 * schedule. {@link #field()} is the JSON path of the (first) offending field, so the API can name
 * it; {@link #problems()} names every one found (a payload is checked whole, so a request with two
 * wrong fields hears of both at once).
 */
public class InvalidJobException extends IllegalArgumentException {

  /** One refused field: its JSON path ({@code payload.amount}) and what is wrong with it. */
  public record Problem(String field, String reason) {

    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return field.isEmpty() ? reason : field + " " + reason;
    }
  }

  private final List<Problem> problems;

  public InvalidJobException(String field, String message) {
    this(List.of(new Problem(field, message)));
  }

  /**
   * @param problems every refused field, the first being the one {@link #field()} names
   */
  public InvalidJobException(List<Problem> problems) {
    super(describe(problems));
    this.problems = List.copyOf(problems);
  }

  private static String describe(List<Problem> problems) {
    if (problems == null || problems.isEmpty()) {
      throw new IllegalArgumentException("an invalid job has at least one problem");
    }
    return problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
  }

  /** The first offending field. */
  public String field() {
    return problems.get(0).field();
  }

  /** The message without the first field's name in front. */
  public String reason() {
    String field = field();
    String message = getMessage();
    return field.isEmpty() ? message : message.substring(field.length() + 1);
  }

  /** Every offending field, in the order found. */
  public List<Problem> problems() {
    return problems;
  }

  /**
   * The same problems with their fields inside {@code path}: {@code amount} within {@code payload}
   * is {@code payload.amount}, {@code [2]} within {@code jobs} is {@code jobs[2]}.
   */
  public InvalidJobException within(String path) {
    return new InvalidJobException(
        problems.stream().map(p -> new Problem(join(path, p.field()), p.reason())).toList());
  }

  private static String join(String path, String field) {
    if (field.isEmpty()) {
      return path;
    }
    if (path.isEmpty()) {
      return field;
    }
    return field.startsWith("[") ? path + field : path + "." + field;
  }
}
