-- OAuth2 credentials that oauth-token-refresh jobs keep fresh (io.kairos.job.oauth).
--
-- client_secret, refresh_token and access_token are never stored in plain text: each is sealed with
-- AES-256-GCM under a key from the environment (KAIROS_ENCRYPTION_KEY), as 'v1:<key id>:<base64>',
-- bound to its row and column. version is bumped by every change, so a refresh stores its tokens
-- only if nobody changed the credential since it read it (compare-and-set). claimed_by and
-- claimed_until mark a refresh under way, so a second one waits instead of spending the refresh
-- token too.
create table kairos_oauth_credential (
  id             text        primary key,
  token_endpoint text        not null,
  grant_type     text        not null,  -- refresh_token | client_credentials
  client_id      text        not null,
  client_auth    text        not null,  -- client_secret_basic | client_secret_post | none
  client_secret  text,
  refresh_token  text,
  access_token   text,
  token_type     text,
  scope          text,
  expires_at     timestamptz,           -- of the access token
  status         text        not null,  -- ACTIVE | REAUTH_REQUIRED
  status_reason  text,
  version        bigint      not null,
  refreshed_at   timestamptz,
  claimed_by     text,
  claimed_until  timestamptz,
  created_at     timestamptz not null default now(),
  created_by     text,
  updated_at     timestamptz not null default now()
);

create index kairos_oauth_credential_status_idx on kairos_oauth_credential (status)
  where status <> 'ACTIVE';
