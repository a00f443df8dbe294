package io.kairos.jobtype.oauth;

import io.kairos.crypto.SecretCipher;
import io.kairos.job.InvalidJobException;
import io.kairos.outbound.OutboundPolicy;
import io.kairos.outbound.OutboundRefused;
import io.kairos.outbound.Resolver;
import io.kairos.schema.KairosSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * OAuth2 credentials ({@code kairos_oauth_credential}), their secrets sealed with {@link
 * SecretCipher}. What leaves this class towards users is an {@link OAuthCredential}, which has no
 * secrets; only the refresh job opens them.
 *
 * <p>Every change bumps {@code version}. A refresh stores its tokens only if the version is still
 * the one it read ({@link #storeRefreshed}), so of two refreshes of one credential at most one
 * stores, whatever the timing.
 */
public final class CredentialStore {

  private static final String COLUMNS =
      "id, token_endpoint, grant_type, client_id, client_auth, scope, status, status_reason,"
          + " refresh_token is not null as has_refresh_token, access_token is not null as"
          + " has_access_token, expires_at, refreshed_at, version, created_at, created_by,"
          + " updated_at, allowed_targets, allowed_keys";

  private final JdbcTemplate jdbc;
  private final KairosSchema schema;
  private final SecretCipher cipher;
  private final OutboundPolicy endpoints;
  private final Resolver resolver;
  private final boolean requireHttps;

  /**
   * @param cipher null when no encryption key is configured: credentials can then be listed and
   *     deleted, not created or refreshed
   * @param endpoints where token endpoints may be (checked on create and before each refresh)
   * @param requireHttps refuse {@code http://} token endpoints (secrets would travel in clear)
   */
  public CredentialStore(
      DataSource dataSource,
      KairosSchema schema,
      SecretCipher cipher,
      OutboundPolicy endpoints,
      Resolver resolver,
      boolean requireHttps) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.schema = schema;
    this.cipher = cipher;
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.requireHttps = requireHttps;
  }

  /**
   * Stores a new credential, ACTIVE at version 1, secrets sealed.
   *
   * @throws InvalidJobException naming the field, e.g. a token endpoint the policy refuses
   * @throws CredentialConflict if the id is taken
   */
  public OAuthCredential create(NewCredential credential) {
    checkEndpoint(credential);
    SecretCipher c = requireCipher();
    String id = credential.id();
    int inserted =
        jdbc.update(
            schema.sql(
                "insert into kairos_oauth_credential (id, token_endpoint, grant_type, client_id,"
                    + " client_auth, client_secret, refresh_token, scope, status, version, created_by,"
                    + " allowed_targets, allowed_keys) values (?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', 1, ?,"
                    + " ?, ?) on conflict (id) do nothing"),
            id,
            credential.tokenEndpoint(),
            credential.grantType().name(),
            credential.clientId(),
            credential.clientAuthentication().name(),
            seal(c, id, "client_secret", credential.clientSecret()),
            seal(c, id, "refresh_token", credential.refreshToken()),
            credential.scope(),
            credential.createdBy(),
            credential.binding().allowedTargets().toArray(String[]::new),
            credential.binding().allowedKeys().toArray(String[]::new));
    if (inserted == 0) {
      throw new CredentialConflict(id);
    }
    return find(id).orElseThrow();
  }

  /** The endpoint check of {@link #create}, for callers that validate before anything else. */
  public void checkEndpoint(NewCredential credential) {
    if (requireHttps && !credential.tokenEndpoint().toLowerCase().startsWith("https:")) {
      throw new InvalidJobException(
          "tokenEndpoint", "must be an https URL (kairos.oauth.require-https)");
    }
    try {
      endpoints.check(credential.tokenEndpointUri(), resolver);
    } catch (OutboundRefused e) {
      throw new InvalidJobException("tokenEndpoint", e.getMessage());
    }
  }

  public Optional<OAuthCredential> find(String id) {
    return jdbc
        .query(
            schema.sql("select " + COLUMNS + " from kairos_oauth_credential where id = ?"),
            CredentialRows::view,
            id)
        .stream()
        .findFirst();
  }

  /** Whether a credential with this id is stored (in any status). */
  public boolean exists(String id) {
    Integer n =
        jdbc.queryForObject(
            schema.sql("select count(*) from kairos_oauth_credential where id = ?"),
            Integer.class,
            id);
    return n != null && n > 0;
  }

  /** Credentials in id order after {@code afterId} (null: from the start); never their secrets. */
  public List<OAuthCredential> list(String afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive");
    }
    return jdbc.query(
        schema.sql(
            "select " + COLUMNS + " from kairos_oauth_credential where id > ? order by id limit ?"),
        CredentialRows::view,
        afterId == null ? "" : afterId,
        limit);
  }

  /** Where the credential's token may go and who may use it, if the credential exists. */
  public Optional<CredentialBinding> bindingOf(String id) {
    return jdbc
        .query(
            schema.sql(
                "select allowed_targets, allowed_keys from kairos_oauth_credential where id = ?"),
            (rs, row) -> CredentialRows.binding(rs),
            id)
        .stream()
        .findFirst();
  }

  /**
   * Binds a credential anew (an admin's change): its targets and keys replaced. The version is left
   * alone: it guards the secrets, and a refresh under way must still store the tokens it got. Jobs
   * already created keep naming it; the worker checks each request against the new targets.
   *
   * @return the credential, or empty if there is none with this id
   */
  public Optional<OAuthCredential> rebind(String id, CredentialBinding binding) {
    int updated =
        jdbc.update(
            schema.sql(
                "update kairos_oauth_credential set allowed_targets = ?, allowed_keys = ?,"
                    + " updated_at = now() where id = ?"),
            binding.allowedTargets().toArray(String[]::new),
            binding.allowedKeys().toArray(String[]::new),
            id);
    return updated == 1 ? find(id) : Optional.empty();
  }

  /** Deletes a credential and its secrets; false if there was none. */
  public boolean delete(String id) {
    return jdbc.update(schema.sql("delete from kairos_oauth_credential where id = ?"), id) == 1;
  }

  /**
   * Authorises a credential again (after {@code REAUTH_REQUIRED}): a new refresh token (and client
   * secret, if given), the old access token dropped, ACTIVE again, version bumped.
   *
   * @return the credential, or empty if there is none with this id
   */
  public Optional<OAuthCredential> reauthorise(
      String id, String refreshToken, String clientSecret) {
    SecretCipher c = requireCipher();
    int updated =
        jdbc.update(
            schema.sql(
                "update kairos_oauth_credential set refresh_token = coalesce(?, refresh_token),"
                    + " client_secret = coalesce(?, client_secret), access_token = null, expires_at ="
                    + " null, status = 'ACTIVE', status_reason = null, claimed_by = null,"
                    + " claimed_until = null, version = version + 1, updated_at = now() where id = ?"),
            seal(c, id, "refresh_token", refreshToken),
            seal(c, id, "client_secret", clientSecret),
            id);
    return updated == 1 ? find(id) : Optional.empty();
  }

  /** How many credentials are in each status, for a gauge. */
  public Map<CredentialStatus, Long> countByStatus() {
    Map<CredentialStatus, Long> counts = new EnumMap<>(CredentialStatus.class);
    for (CredentialStatus status : CredentialStatus.values()) {
      counts.put(status, 0L);
    }
    jdbc.query(
        schema.sql("select status, count(*) from kairos_oauth_credential group by status"),
        rs -> {
          counts.put(CredentialStatus.valueOf(rs.getString(1)), rs.getLong(2));
        });
    return counts;
  }

  /**
   * Re-seals up to {@code batch} credentials whose secrets are not under the current key, after a
   * key rotation; returns how many were re-sealed. Run it until it returns 0, then the retired key
   * can go.
   */
  public int reseal(int batch) {
    SecretCipher c = requireCipher();
    String current = "v1:" + c.currentKeyId() + ":%";
    List<StoredCredential> stale =
        jdbc.query(
            schema.sql(
                "select * from kairos_oauth_credential where (client_secret is not null and"
                    + " client_secret not like ?) or (refresh_token is not null and refresh_token not"
                    + " like ?) or (access_token is not null and access_token not like ?) order by id"
                    + " limit ?"),
            this::stored,
            current,
            current,
            current,
            batch);
    int done = 0;
    for (StoredCredential s : stale) {
      done +=
          jdbc.update(
              schema.sql(
                  "update kairos_oauth_credential set client_secret = ?, refresh_token = ?,"
                      + " access_token = ? where id = ? and version = ?"),
              seal(c, s.id(), "client_secret", s.clientSecret()),
              seal(c, s.id(), "refresh_token", s.refreshToken()),
              seal(c, s.id(), "access_token", s.accessToken()),
              s.id(),
              s.version());
    }
    return done;
  }

  /** What {@link #resealAll} did, and which keys the stored secrets are sealed under now. */
  public record ResealReport(
      String currentKeyId, int resealed, int unreadable, Map<String, Long> secretsByKeyId) {

    /** Secrets still sealed under a key other than the current one. */
    public long underOldKeys() {
      return secretsByKeyId.entrySet().stream()
          .filter(e -> !e.getKey().equals(currentKeyId))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }
  }

  /**
   * Re-seals every credential whose secrets are not all under the current key, one pass in id
   * order, {@code batch} rows at a time. A credential whose secrets cannot be opened (sealed under
   * a key this process does not have) is counted as unreadable and left as it is; one changed
   * meanwhile (its version moved) is left to the next pass. Then counts the secrets per key id.
   */
  public ResealReport resealAll(int batch) {
    SecretCipher c = requireCipher();
    String current = "v1:" + c.currentKeyId() + ":%";
    String after = "";
    int resealed = 0;
    int unreadable = 0;
    while (true) {
      List<Map<String, Object>> rows =
          jdbc.queryForList(
              schema.sql(
                  "select id, version, client_secret, refresh_token, access_token from"
                      + " kairos_oauth_credential where id > ? and ((client_secret is not null and"
                      + " client_secret not like ?) or (refresh_token is not null and refresh_token"
                      + " not like ?) or (access_token is not null and access_token not like ?))"
                      + " order by id limit ?"),
              after,
              current,
              current,
              current,
              batch);
      for (Map<String, Object> row : rows) {
        String id = (String) row.get("id");
        after = id;
        String clientSecret;
        String refreshToken;
        String accessToken;
        try {
          clientSecret = open(id, "client_secret", (String) row.get("client_secret"));
          refreshToken = open(id, "refresh_token", (String) row.get("refresh_token"));
          accessToken = open(id, "access_token", (String) row.get("access_token"));
        } catch (SecretCipher.SecretUnreadable e) {
          unreadable++;
          continue;
        }
        resealed +=
            jdbc.update(
                schema.sql(
                    "update kairos_oauth_credential set client_secret = ?, refresh_token = ?,"
                        + " access_token = ? where id = ? and version = ?"),
                seal(c, id, "client_secret", clientSecret),
                seal(c, id, "refresh_token", refreshToken),
                seal(c, id, "access_token", accessToken),
                id,
                ((Number) row.get("version")).longValue());
      }
      if (rows.size() < batch) {
        break;
      }
    }
    return new ResealReport(c.currentKeyId(), resealed, unreadable, secretsByKeyId());
  }

  /** How many stored secrets are sealed under each key id. */
  public Map<String, Long> secretsByKeyId() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    jdbc.query(
        schema.sql(
            "select split_part(s, ':', 2) as key_id, count(*) from (select client_secret as s from"
                + " kairos_oauth_credential union all select refresh_token from"
                + " kairos_oauth_credential union all select access_token from"
                + " kairos_oauth_credential) secrets where s is not null group by 1"),
        rs -> {
          counts.put(rs.getString(1), rs.getLong(2));
        });
    return counts;
  }

  // --- for the refresh job ---

  Optional<StoredCredential> findForRefresh(String id) {
    return jdbc
        .query(schema.sql("select * from kairos_oauth_credential where id = ?"), this::stored, id)
        .stream()
        .findFirst();
  }

  /**
   * Marks a refresh under way until {@code now + lease}, unless another one holds an unexpired
   * claim. The claim is a courtesy that saves a second refresh; correctness rests on {@link
   * #storeRefreshed}'s compare-and-set.
   */
  boolean claim(String id, String claimant, Instant now, Duration lease) {
    return jdbc.update(
            schema.sql(
                "update kairos_oauth_credential set claimed_by = ?, claimed_until = ? where id = ? and"
                    + " status = 'ACTIVE' and (claimed_until is null or claimed_until <= ?)"),
            claimant,
            Timestamp.from(now.plus(lease)),
            id,
            Timestamp.from(now))
        == 1;
  }

  /** Gives up a claim that is still this claimant's. */
  void release(String id, String claimant) {
    jdbc.update(
        schema.sql(
            "update kairos_oauth_credential set claimed_by = null, claimed_until = null where id = ?"
                + " and claimed_by = ?"),
        id,
        claimant);
  }

  /** When the current claim runs out, if there is one. */
  Optional<Instant> claimedUntil(String id) {
    return jdbc
        .queryForList(
            schema.sql(
                "select claimed_until from kairos_oauth_credential where id = ? and claimed_until is"
                    + " not null"),
            Timestamp.class,
            id)
        .stream()
        .findFirst()
        .map(Timestamp::toInstant);
  }

  /**
   * Stores refreshed tokens if the credential is still ACTIVE at {@code expectedVersion}; a rotated
   * refresh token replaces the old one, otherwise the old one is kept (RFC 6749 §6).
   *
   * @return false if someone else changed the credential first (nothing is stored then)
   */
  boolean storeRefreshed(
      String id, long expectedVersion, TokenResponse tokens, Instant now, Instant expiresAt) {
    SecretCipher c = requireCipher();
    return jdbc.update(
            schema.sql(
                "update kairos_oauth_credential set access_token = ?, refresh_token = coalesce(?,"
                    + " refresh_token), token_type = ?, scope = coalesce(?, scope), expires_at = ?,"
                    + " refreshed_at = ?, claimed_by = null, claimed_until = null, version = version +"
                    + " 1, updated_at = now() where id = ? and version = ? and status = 'ACTIVE'"),
            seal(c, id, "access_token", tokens.accessToken()),
            seal(c, id, "refresh_token", tokens.refreshToken()),
            tokens.tokenType(),
            tokens.scope(),
            expiresAt == null ? null : Timestamp.from(expiresAt),
            Timestamp.from(now),
            id,
            expectedVersion)
        == 1;
  }

  /**
   * Marks the credential as needing a person, if it is still at {@code expectedVersion}.
   *
   * @return false if it changed meanwhile (e.g. a concurrent refresh stored new tokens, and the
   *     refusal was of the refresh token that refresh had just spent)
   */
  boolean markReauthRequired(String id, long expectedVersion, String reason) {
    return jdbc.update(
            schema.sql(
                "update kairos_oauth_credential set status = 'REAUTH_REQUIRED', status_reason = ?,"
                    + " claimed_by = null, claimed_until = null, version = version + 1, updated_at ="
                    + " now() where id = ? and version = ? and status = 'ACTIVE'"),
            reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000),
            id,
            expectedVersion)
        == 1;
  }

  OutboundPolicy endpoints() {
    return endpoints;
  }

  boolean requiresHttps() {
    return requireHttps;
  }

  private SecretCipher requireCipher() {
    if (cipher == null) {
      throw new IllegalStateException(
          "no encryption key is configured (KAIROS_ENCRYPTION_KEY); credentials cannot be stored"
              + " or refreshed");
    }
    return cipher;
  }

  static String context(String id, String column) {
    return "kairos_oauth_credential:" + id + ":" + column;
  }

  private static String seal(SecretCipher c, String id, String column, String secret) {
    return secret == null ? null : c.seal(secret, context(id, column));
  }

  private String open(String id, String column, String sealed) {
    return sealed == null ? null : requireCipher().open(sealed, context(id, column));
  }

  private StoredCredential stored(ResultSet rs, int row) throws SQLException {
    String id = rs.getString("id");
    return new StoredCredential(
        id,
        rs.getString("token_endpoint"),
        GrantType.valueOf(rs.getString("grant_type")),
        rs.getString("client_id"),
        ClientAuthentication.valueOf(rs.getString("client_auth")),
        open(id, "client_secret", rs.getString("client_secret")),
        open(id, "refresh_token", rs.getString("refresh_token")),
        open(id, "access_token", rs.getString("access_token")),
        rs.getString("scope"),
        CredentialRows.instant(rs, "expires_at"),
        CredentialRows.instant(rs, "refreshed_at"),
        CredentialStatus.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        rs.getLong("version"),
        CredentialRows.binding(rs));
  }

  /** A credential id that is taken. */
  public static final class CredentialConflict extends RuntimeException {
    private final String id;

    public CredentialConflict(String id) {
      super("credential '" + id + "' already exists");
      this.id = id;
    }

    public String id() {
      return id;
    }
  }
}
