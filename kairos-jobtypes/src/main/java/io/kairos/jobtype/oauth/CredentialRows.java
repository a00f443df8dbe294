package io.kairos.jobtype.oauth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * How a row of {@code kairos_oauth_credential} reads, without its secrets: {@link
 * CredentialStore}'s.
 */
final class CredentialRows {

  private CredentialRows() {}

  static OAuthCredential view(ResultSet rs, int row) throws SQLException {
    return new OAuthCredential(
        rs.getString("id"),
        rs.getString("token_endpoint"),
        GrantType.valueOf(rs.getString("grant_type")),
        rs.getString("client_id"),
        ClientAuthentication.valueOf(rs.getString("client_auth")),
        rs.getString("scope"),
        CredentialStatus.valueOf(rs.getString("status")),
        rs.getString("status_reason"),
        rs.getBoolean("has_refresh_token"),
        rs.getBoolean("has_access_token"),
        instant(rs, "expires_at"),
        instant(rs, "refreshed_at"),
        rs.getLong("version"),
        instant(rs, "created_at"),
        rs.getString("created_by"),
        instant(rs, "updated_at"),
        binding(rs));
  }

  static CredentialBinding binding(ResultSet rs) throws SQLException {
    return new CredentialBinding(texts(rs, "allowed_targets"), texts(rs, "allowed_keys"));
  }

  static List<String> texts(ResultSet rs, String column) throws SQLException {
    java.sql.Array array = rs.getArray(column);
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
