-- Where an OAuth credential's access token may be sent, and which API keys may make jobs that
-- send it (io.kairos.jobtype.oauth.CredentialBinding), set by an admin.
--
-- allowed_targets: URL prefixes (scheme://host[:port][/path]); a webhook naming the credential
-- must send to one of them, checked at creation and again by the worker before each request.
-- allowed_keys: names of the keys besides admin keys that may create jobs using the credential.
--
-- Credentials stored before this migration get neither: no webhook sends their token (such
-- webhooks fail permanently, naming the credential) until an admin sets their targets with
-- PUT /api/v1/oauth/credentials/{id}/binding, and only admin keys may use them until it names
-- other keys. Their refresh jobs go on as before: they only talk to the token endpoint.
alter table kairos_oauth_credential
  add column allowed_targets text[] not null default '{}',
  add column allowed_keys    text[] not null default '{}';
