package io.kairos.jobtype.webhook;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/**
 * A webhook's header values as JSON strings only: {@code {"X-Count": 42}} is refused rather than
 * sent as {@code 42}, as the API refuses a number where any other string belongs. (Stored header
 * values are sealed strings, so what was accepted is read back alike.)
 */
final class HeaderValues extends StdScalarDeserializer<String> {

  HeaderValues() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (!p.hasToken(JsonToken.VALUE_STRING)) {
      return (String) ctxt.handleUnexpectedToken(String.class, p);
    }
    return p.getText();
  }
}
