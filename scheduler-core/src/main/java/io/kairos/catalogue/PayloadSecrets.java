package io.kairos.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kairos.crypto.SecretCipher;
import io.kairos.job.InvalidJobException;
import io.kairos.job.JobType;
import io.kairos.job.NewJob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The secret values of payloads ({@link JobType#secretFields()}): sealed before a job is stored, so
 * the job row's payload and the task data hold {@code {"sealed": "v1:<key id>:<base64>"}} instead,
 * each bound to its job and field; opened on the worker just before the handler runs; shown as
 * {@code "***"} everywhere else. A plain value stored before sealing existed opens as itself.
 * Secret values are never part of an exception message here.
 */
public final class PayloadSecrets {

  /** What responses show instead of a secret value. */
  public static final String MASK = "***";

  static final String SEALED = "sealed";

  private final JobCatalogue catalogue;
  private final SecretCipher cipher;

  /**
   * @param cipher null when no encryption key is configured: payloads with secret values are then
   *     refused ({@link SecretsNeedAKey}), and sealed ones cannot be opened
   */
  public PayloadSecrets(JobCatalogue catalogue, SecretCipher cipher) {
    this.catalogue = catalogue;
    this.cipher = cipher;
  }

  /**
   * {@code job} as it may be stored: every plain secret value of its payload sealed for its id. The
   * request hash stays the one of the plain request, so the same request again is still a replay.
   * The only way to a {@link SealedJob}, which is all the registry stores.
   *
   * @throws SecretsNeedAKey when the payload has a secret value and there is no key
   */
  public SealedJob seal(NewJob job) {
    return new SealedJob(
        new NewJob(
            job.id(),
            job.type(),
            job.group(),
            seal(job.type(), job.id(), job.payload()),
            job.schedule(),
            job.maxAttempts(),
            job.priority(),
            job.requestHash(),
            job.createdBy(),
            job.timeout(),
            job.misfireGrace(),
            job.notifyTargets(),
            job.concurrencyKey()));
  }

  /**
   * The payload with every plain secret value sealed for job {@code jobId}.
   *
   * @throws SecretsNeedAKey when it has one and there is no key
   */
  public JsonNode seal(String type, String jobId, JsonNode payload) {
    return visit(
        type,
        payload,
        (path, value) -> {
          if (!value.isTextual()) {
            return value; // already sealed (a stored payload scheduled again)
          }
          if (cipher == null) {
            throw new SecretsNeedAKey(type);
          }
          ObjectNode sealed = JsonNodeFactory.instance.objectNode();
          sealed.put(SEALED, cipher.seal(value.textValue(), context(jobId, path)));
          return sealed;
        });
  }

  /**
   * Checks that {@link #seal} would succeed, sealing nothing: lets a caller refuse one payload of
   * many before any of them is written.
   *
   * @throws SecretsNeedAKey when it has a plain secret value and there is no key
   */
  public void requireSealable(String type, JsonNode payload) {
    if (cipher != null) {
      return;
    }
    visit(
        type,
        payload,
        (path, value) -> {
          if (value.isTextual()) {
            throw new SecretsNeedAKey(type);
          }
          return value;
        });
  }

  /** The payload as its handler needs it: every sealed value opened. */
  public JsonNode open(String type, String jobId, JsonNode payload) {
    return visit(
        type,
        payload,
        (path, value) -> {
          JsonNode sealed = value.isObject() ? value.get(SEALED) : null;
          if (sealed == null || !sealed.isTextual()) {
            return value; // stored plain, before secrets were sealed
          }
          if (cipher == null) {
            throw new SecretCipher.SecretUnreadable(
                "the payload's secrets are sealed and this worker has no KAIROS_ENCRYPTION_KEY");
          }
          return TextNode.valueOf(cipher.open(sealed.textValue(), context(jobId, path)));
        });
  }

  /** The payload as responses show it: every secret value, sealed or not, as {@value #MASK}. */
  public JsonNode mask(String type, JsonNode payload) {
    return visit(type, payload, (path, value) -> TextNode.valueOf(MASK));
  }

  /**
   * {@code changed} with every secret value that is the mask {@value #MASK} put back to the value
   * {@code stored} has at the same path: a client that sends a payload back as it read it, masked,
   * keeps the secret instead of storing the mask as one.
   *
   * @throws InvalidJobException naming the field when {@code stored} has no value there to keep
   */
  public JsonNode keepMasked(String type, JsonNode stored, JsonNode changed) {
    return visit(
        type,
        changed,
        (path, value) -> {
          if (!isMask(value)) {
            return value;
          }
          JsonNode kept = at(stored, path);
          if (kept == null || kept.isNull()) {
            throw new InvalidJobException(
                "payload." + path,
                "is the mask '"
                    + MASK
                    + "' a read shows in place of a secret, and the job has no secret here to"
                    + " keep: send the secret itself");
          }
          return kept.deepCopy();
        });
  }

  /**
   * Refuses a payload that has the mask {@value #MASK} as a secret value: a payload read back
   * (masked) and sent whole would otherwise store the mask as the secret.
   *
   * @throws InvalidJobException naming every such field
   */
  public void refuseMasked(String type, JsonNode payload) {
    List<InvalidJobException.Problem> masked = new ArrayList<>();
    visit(
        type,
        payload,
        (path, value) -> {
          if (isMask(value)) {
            masked.add(
                new InvalidJobException.Problem(
                    "payload." + path,
                    "is the mask '"
                        + MASK
                        + "' a read shows in place of a secret: a new or whole payload keeps"
                        + " nothing of a job's, so send the secret itself (or change the other"
                        + " fields of an existing job with PATCH, where '"
                        + MASK
                        + "' keeps the stored secret)"));
          }
          return value;
        });
    if (!masked.isEmpty()) {
      throw new InvalidJobException(masked);
    }
  }

  private static boolean isMask(JsonNode value) {
    return value.isTextual() && value.textValue().equals(MASK);
  }

  /** The value at a dotted path of secret field names, null when there is none. */
  private static JsonNode at(JsonNode payload, String path) {
    JsonNode node = payload;
    for (String name : path.split("\\.")) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(name);
    }
    return node;
  }

  private static String context(String jobId, String path) {
    return "job:" + jobId + ":payload." + path;
  }

  /** A copy of {@code payload} with {@code change} applied to the value at every secret path. */
  private JsonNode visit(
      String type, JsonNode payload, BiFunction<String, JsonNode, JsonNode> change) {
    List<String> paths = catalogue.secretFieldsOf(type);
    if (paths.isEmpty() || payload == null || !payload.isObject()) {
      return payload;
    }
    JsonNode copy = payload.deepCopy();
    for (String path : paths) {
      walk((ObjectNode) copy, path.split("\\."), 0, "", change);
    }
    return copy;
  }

  private static void walk(
      ObjectNode node,
      String[] segments,
      int index,
      String prefix,
      BiFunction<String, JsonNode, JsonNode> change) {
    String segment = segments[index];
    List<String> names = new ArrayList<>();
    if (segment.equals("*")) {
      node.fieldNames().forEachRemaining(names::add);
    } else if (node.has(segment)) {
      names.add(segment);
    }
    for (String name : names) {
      JsonNode child = node.get(name);
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (child == null || child.isNull()) {
        continue;
      }
      if (index == segments.length - 1) {
        node.set(name, change.apply(path, child));
      } else if (child.isObject()) {
        walk((ObjectNode) child, segments, index + 1, path, change);
      }
    }
  }
}
