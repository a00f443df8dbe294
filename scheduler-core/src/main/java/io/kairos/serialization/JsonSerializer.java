package io.kairos.serialization;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.exceptions.SerializationException;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import java.io.IOException;

/**
 * db-scheduler's task-data serializer, as JSON: readable in {@code scheduled_tasks}, stable across
 * releases (unlike Java serialization), and the same bytes whether the API or a worker wrote them.
 */
public final class JsonSerializer implements Serializer {

  private final ObjectMapper mapper;

  public JsonSerializer(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  @Override
  public byte[] serialize(Object data) {
    if (data == null) {
      return null;
    }
    try {
      return mapper.writeValueAsBytes(data);
    } catch (IOException e) {
      throw new SerializationException("Failed to serialize task data as JSON", e);
    }
  }

  @Override
  public <T> T deserialize(Class<T> clazz, byte[] serializedData) {
    if (serializedData == null) {
      return null;
    }
    try {
      return mapper.readValue(serializedData, clazz);
    } catch (IOException e) {
      throw new SerializationException("Failed to read task data as " + clazz.getSimpleName(), e);
    }
  }
}
