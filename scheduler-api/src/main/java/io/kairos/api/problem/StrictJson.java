package io.kairos.api.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;
import org.springframework.boot.autoconfigure.jackson.Jackson2ObjectMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Request bodies are read strictly, so that what is stored is what the client wrote: besides the
 * {@code spring.jackson.*} settings in {@code kairos-api.yml} (unknown fields, duplicate keys,
 * content after the body, a number with a fraction or a string where an integer belongs are all
 * refused), every string field of a request is refused when it holds a control character other than
 * tab and line breaks (see {@link InputText}). The refusals become 400 problems naming the field,
 * in {@link ProblemHandler}.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

  static final String CONTROL_CHARACTERS = "must not contain control characters";

  @Bean
  Jackson2ObjectMapperBuilderCustomizer strictStrings() {
    return builder -> builder.deserializerByType(String.class, new CheckedStrings());
  }

  /** Jackson's own string reading, then the control-character rule. */
  static final class CheckedStrings extends StdScalarDeserializer<String> {

    CheckedStrings() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING)) {
        // 42 is not "42": a client that sends a number where a string belongs has a bug.
        return (String) ctxt.handleUnexpectedToken(String.class, p);
      }
      String value = StringDeserializer.instance.deserialize(p, ctxt);
      if (value != null && InputText.controlCharacterIn(value, true) >= 0) {
        throw InvalidFormatException.from(p, CONTROL_CHARACTERS, value, String.class);
      }
      if (value != null && InputText.loneSurrogateIn(value) >= 0) {
        throw InvalidFormatException.from(p, InputText.LONE_SURROGATE, value, String.class);
      }
      return value;
    }

    @Override
    public boolean isCachable() {
      return true;
    }
  }
}
