-- A database created and used by Kairos 0.1.0 (the release before Kairos kept its tables in a
-- schema of their own: every table in public), dumped with pg_dump --column-inserts after the
-- standalone jar ran jobs in every state: completed, scheduled one-time and recurring, paused,
-- a dead webhook, a webhook with a sealed Authorization header, the OAuth credential crm (client
-- secret and access token sealed) with its oauth-refresh:crm job, and history. Secrets are sealed
-- with KAIROS_ENCRYPTION_KEY=tU54UOF0NkrKT2aQqKZlCjCqC3GZYT97dKlfMKjLH78= under the default key
-- id k1. Loaded by the upgrade tests (ReleaseDatabases).
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: kairos_control; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_control (
    id integer NOT NULL,
    paused boolean DEFAULT false NOT NULL,
    changed_at timestamp with time zone,
    changed_by text,
    paused_at timestamp with time zone,
    resumed_at timestamp with time zone,
    CONSTRAINT kairos_control_id_check CHECK ((id = 1))
);


--
-- Name: kairos_job; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_job (
    id text NOT NULL,
    type text NOT NULL,
    job_group text,
    payload jsonb NOT NULL,
    schedule jsonb,
    max_attempts integer NOT NULL,
    priority integer NOT NULL,
    request_hash text NOT NULL,
    state text NOT NULL,
    last_error text,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    source text DEFAULT 'API'::text NOT NULL,
    stale_since timestamp with time zone,
    timeout text,
    misfire_grace text,
    updated_by text,
    paused_execution_time timestamp with time zone,
    paused_task_data bytea,
    paused_last_success timestamp with time zone,
    paused_last_failure timestamp with time zone,
    paused_consecutive_failures integer,
    shadows_declaration boolean DEFAULT false NOT NULL,
    revision integer DEFAULT 1 NOT NULL,
    notify jsonb
);


--
-- Name: kairos_job_run; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_job_run (
    id bigint NOT NULL,
    job_id text NOT NULL,
    job_type text NOT NULL,
    scheduled_for timestamp with time zone NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone,
    node text NOT NULL,
    attempt integer NOT NULL,
    outcome text NOT NULL,
    error text,
    recovered boolean DEFAULT false NOT NULL,
    detail text,
    revision integer DEFAULT 1 NOT NULL
);


--
-- Name: kairos_job_run_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.kairos_job_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: kairos_job_run_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.kairos_job_run_id_seq OWNED BY public.kairos_job_run.id;


--
-- Name: kairos_node; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_node (
    name text NOT NULL,
    host text NOT NULL,
    pid bigint NOT NULL,
    started_at timestamp with time zone NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    state text NOT NULL,
    running integer DEFAULT 0 NOT NULL
);


--
-- Name: kairos_node_type; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_node_type (
    node text NOT NULL,
    type_name text NOT NULL,
    schema_hash text NOT NULL
);


--
-- Name: kairos_notified; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_notified (
    job_id text NOT NULL,
    event text NOT NULL,
    last_at timestamp with time zone NOT NULL
);


--
-- Name: kairos_oauth_credential; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_oauth_credential (
    id text NOT NULL,
    token_endpoint text NOT NULL,
    grant_type text NOT NULL,
    client_id text NOT NULL,
    client_auth text NOT NULL,
    client_secret text,
    refresh_token text,
    access_token text,
    token_type text,
    scope text,
    expires_at timestamp with time zone,
    status text NOT NULL,
    status_reason text,
    version bigint NOT NULL,
    refreshed_at timestamp with time zone,
    claimed_by text,
    claimed_until timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: kairos_schema_history; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_schema_history (
    installed_rank integer NOT NULL,
    version character varying(50),
    description character varying(200) NOT NULL,
    type character varying(20) NOT NULL,
    script character varying(1000) NOT NULL,
    checksum integer,
    installed_by character varying(100) NOT NULL,
    installed_on timestamp without time zone DEFAULT now() NOT NULL,
    execution_time integer NOT NULL,
    success boolean NOT NULL
);


--
-- Name: kairos_type_schema; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.kairos_type_schema (
    type_name text NOT NULL,
    schema_hash text NOT NULL,
    description text NOT NULL,
    payload_schema jsonb NOT NULL,
    secret_fields jsonb DEFAULT '[]'::jsonb NOT NULL,
    built_in boolean NOT NULL,
    first_published timestamp with time zone DEFAULT now() NOT NULL,
    last_published timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: scheduled_tasks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.scheduled_tasks (
    task_name text NOT NULL,
    task_instance text NOT NULL,
    task_data bytea,
    execution_time timestamp with time zone NOT NULL,
    picked boolean NOT NULL,
    picked_by text,
    last_success timestamp with time zone,
    last_failure timestamp with time zone,
    consecutive_failures integer,
    last_heartbeat timestamp with time zone,
    version bigint NOT NULL,
    priority smallint
);


--
-- Name: shedlock; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.shedlock (
    name character varying(64) NOT NULL,
    lock_until timestamp without time zone NOT NULL,
    locked_at timestamp without time zone NOT NULL,
    locked_by character varying(255) NOT NULL
);


--
-- Name: kairos_job_run id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_job_run ALTER COLUMN id SET DEFAULT nextval('public.kairos_job_run_id_seq'::regclass);


--
-- Data for Name: kairos_control; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_control (id, paused, changed_at, changed_by, paused_at, resumed_at) VALUES (1, false, NULL, NULL, NULL, NULL);


--
-- Data for Name: kairos_job; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('hello', 'log', NULL, '{"message": "Hello, Kairos"}', '{"at": "2026-12-03T11:35:17.387883Z"}', 3, 0, 'afbcfc7ba35087d17cf5690bfeffd8f747482d81b58de82fbb4d8842b6424535', 'COMPLETED', NULL, '2026-12-03 11:35:17.403291+00', 'operator', '2026-12-03 11:35:17.477224+00', '2026-12-03 11:35:17.477224+00', 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('every-5-min', 'noop', 'g1', '{}', '{"cron": "*/5 * * * *", "timeZone": "Z"}', 3, 0, '96312abe459f36195129c61fd618091d19393e8c9a782ae0e5164c0ae4df1b3a', 'ACTIVE', NULL, '2026-12-03 11:35:17.513895+00', 'operator', '2026-12-03 11:35:17.513895+00', NULL, 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('future-reminder', 'log', 'exchange-42', '{"message": "meeting"}', '{"at": "2027-12-18T23:00:00Z", "timeZone": "America/New_York"}', 3, 0, '8a171b5adcaf7d858de889cb46da9452828d2cc922be17b6e37ead84ed85fb48', 'ACTIVE', NULL, '2026-12-03 11:35:17.564758+00', 'operator', '2026-12-03 11:35:17.564758+00', NULL, 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('heartbeat', 'noop', NULL, '{}', '{"every": "PT1M"}', 3, 0, '240b6692bed32f63229b292793a794d68d4ff2ea88e3f88dfb5f5ddebec65c88', 'PAUSED', NULL, '2026-12-03 11:35:17.651714+00', 'operator', '2026-12-03 11:35:25.697153+00', NULL, 'API', NULL, 'PT30S', NULL, 'operator', '2026-12-03 11:36:17.652179+00', '\x7b227061796c6f6164223a7b7d2c227363686564756c65223a7b226576657279223a225054314d227d2c226d6178417474656d707473223a332c22617474656d7074223a312c227265636f7665726564223a66616c73652c2274696d656f7574223a225054333053227d', '2026-12-03 11:35:17.660702+00', NULL, 0, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('oauth-refresh:crm', 'oauth-token-refresh', NULL, '{"credentialId": "crm"}', '{"at": "2026-12-03T11:36:12.579879Z"}', 3, 0, 'fdd2315a7e887261546ef3fbb3aff2544085032d8f9899ab0caa9015e16b2368', 'ACTIVE', NULL, '2026-12-03 11:36:12.560357+00', 'operator', '2026-12-03 11:36:12.560357+00', NULL, 'SYSTEM', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('hook-ok', 'webhook', NULL, '{"url": "http://127.0.0.1:18099/ok", "body": {"a": 1}, "headers": {"Authorization": {"sealed": "v1:k1:ZHFOOVtu2JNHlK+qN3TlFeYDuV8eDYKPkqkHuBSuG5wfhqE0FpaLfkxzlm49KI2rpEewk0gDM64="}}}', '{"at": "2026-12-03T11:36:11.791739Z"}', 3, 0, '3d15eb152b3d2f2bef6b21c876d77027fd02c5264207c4dd890942a8e1c5ef41', 'COMPLETED', NULL, '2026-12-03 11:36:11.961428+00', 'operator', '2026-12-03 11:36:12.786213+00', '2026-12-03 11:36:12.786213+00', 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('hook-dead', 'webhook', NULL, '{"url": "http://127.0.0.1:18099/fail", "body": {"b": 2}}', '{"at": "2026-12-03T11:36:12.383342Z"}', 1, 0, '04ccfd210045f93703aca4469524722ad5c10562c09c0f93d6033a7ce3fd5d5a', 'DEAD', 'PermanentJobFailure: HTTP 400: {"error":"no"}', '2026-12-03 11:36:12.386758+00', 'operator', '2026-12-03 11:36:12.86121+00', '2026-12-03 11:36:12.86121+00', 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);
INSERT INTO public.kairos_job (id, type, job_group, payload, schedule, max_attempts, priority, request_hash, state, last_error, created_at, created_by, updated_at, finished_at, source, stale_since, timeout, misfire_grace, updated_by, paused_execution_time, paused_task_data, paused_last_success, paused_last_failure, paused_consecutive_failures, shadows_declaration, revision, notify) VALUES ('crm-sync', 'webhook', NULL, '{"url": "http://127.0.0.1:18099/crm", "auth": {"oauthCredential": "crm"}, "headers": {"X-Api-Key": {"sealed": "v1:k1:zDZCZaEW2mVbSJ5bpZAWY9WPQajqGXeQtlr3pJWCzec16osmTrzVE+cEUWHh"}}}', '{"cron": "0 3 * * *", "timeZone": "Z"}', 3, 0, '230f18a3b04154171715269c374b794ad86fa031f673b4fdbb5658723f3819ea', 'ACTIVE', NULL, '2026-12-03 11:36:22.839804+00', 'operator', '2026-12-03 11:36:22.839804+00', NULL, 'API', NULL, NULL, NULL, 'operator', NULL, NULL, NULL, NULL, NULL, false, 1, NULL);


--
-- Data for Name: kairos_job_run; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, recovered, detail, revision) VALUES (1, 'hello', 'log', '2026-12-03 11:35:17.387883+00', '2026-12-03 11:35:17.452514+00', '2026-12-03 11:35:17.484313+00', 'standalone', 1, 'SUCCEEDED', NULL, false, NULL, 1);
INSERT INTO public.kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, recovered, detail, revision) VALUES (2, 'heartbeat', 'noop', '2026-12-03 11:35:17.652179+00', '2026-12-03 11:35:17.659698+00', '2026-12-03 11:35:17.671933+00', 'standalone', 1, 'SUCCEEDED', NULL, false, NULL, 1);
INSERT INTO public.kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, recovered, detail, revision) VALUES (3, 'hook-ok', 'webhook', '2026-12-03 11:36:11.791739+00', '2026-12-03 11:36:12.229478+00', '2026-12-03 11:36:12.834147+00', 'standalone', 1, 'SUCCEEDED', NULL, false, 'HTTP 200: {"received":true}', 1);
INSERT INTO public.kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, recovered, detail, revision) VALUES (4, 'oauth-refresh:crm', 'oauth-token-refresh', '2026-12-03 11:36:12.579879+00', '2026-12-03 11:36:12.615435+00', '2026-12-03 11:36:12.834414+00', 'standalone', 1, 'SUCCEEDED', NULL, false, 'refreshed with client_credentials; access token valid until 2026-12-03T12:36:12.636503309Z', 1);
INSERT INTO public.kairos_job_run (id, job_id, job_type, scheduled_for, started_at, finished_at, node, attempt, outcome, error, recovered, detail, revision) VALUES (5, 'hook-dead', 'webhook', '2026-12-03 11:36:12.383342+00', '2026-12-03 11:36:12.405399+00', '2026-12-03 11:36:12.868884+00', 'standalone', 1, 'FAILED', 'PermanentJobFailure: HTTP 400: {"error":"no"}', false, 'HTTP 400: {"error":"no"}', 1);


--
-- Data for Name: kairos_node; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_node (name, host, pid, started_at, last_seen, state, running) VALUES ('standalone', 'vm', 14751, '2026-12-03 11:35:41.891356+00', '2026-12-03 11:36:24.946045+00', 'STOPPED', 0);


--
-- Data for Name: kairos_node_type; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'noop', '4135c975981158efefad7e297d94c535868bc417fe95da7b21b935fde576b6b7');
INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'log', 'ceacb42a96039897c1436a14082b398a9151557a56f844cd9482c52dc58f4994');
INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'email', '87887fca3f4eeaf832efa74d6e82963ae99b6b2bd92ac51e3a4f1d587e629e40');
INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'webhook', '78d2c61aa7907f091e1ff1f6f9ab669a55b01073f6e4130bac0295cc847d181d');
INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'oauth-token-refresh', '4025c1b0fa9d2d81980b5257759987dcb2863c9bf74ec69cc79b8ca7184b896c');
INSERT INTO public.kairos_node_type (node, type_name, schema_hash) VALUES ('standalone', 'retention', '8fbcfe4c3469c195c92f772c4b13175ab8bc58a7c9bc694b7374585e7a3a6a71');


--
-- Data for Name: kairos_notified; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: kairos_oauth_credential; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_oauth_credential (id, token_endpoint, grant_type, client_id, client_auth, client_secret, refresh_token, access_token, token_type, scope, expires_at, status, status_reason, version, refreshed_at, claimed_by, claimed_until, created_at, created_by, updated_at) VALUES ('crm', 'http://127.0.0.1:18099/token', 'CLIENT_CREDENTIALS', 'kairos', 'CLIENT_SECRET_BASIC', 'v1:k1:PDxJvW1FBT6Uc8Iuz2bNIUaDTHQL7P2PD1dsnqCfcnvtDmNbF3rMg6YLlApcqrTuRQ==', NULL, 'v1:k1:cxkCWW7QnUyJeMleByDaN/rtVUh3Ntwpe5sM02eyxTLyHKZjT/E=', 'Bearer', NULL, '2026-12-03 12:36:12.636503+00', 'ACTIVE', NULL, 2, '2026-12-03 11:36:12.636503+00', NULL, NULL, '2026-12-03 11:36:12.560357+00', 'operator', '2026-12-03 11:36:12.759406+00');


--
-- Data for Name: kairos_schema_history; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (1, '1', 'kairos schema', 'SQL', 'V1__kairos_schema.sql', 597389162, 'postgres', '2026-12-03 11:34:37.851535', 17, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (2, '2', 'maintenance', 'SQL', 'V2__maintenance.sql', -1032922812, 'postgres', '2026-12-03 11:34:37.914425', 7, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (3, '10', 'api job control', 'SQL', 'V10__api_job_control.sql', 2006491881, 'postgres', '2026-12-03 11:34:37.935228', 6, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (4, '20', 'oauth credentials', 'SQL', 'V20__oauth_credentials.sql', 1603794452, 'postgres', '2026-12-03 11:34:37.950056', 9, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (5, '21', 'dashboard indexes', 'SQL', 'V21__dashboard_indexes.sql', -2084113548, 'postgres', '2026-12-03 11:34:37.971264', 5, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (6, '30', 'job ownership', 'SQL', 'V30__job_ownership.sql', 1306130059, 'postgres', '2026-12-03 11:34:37.982514', 2, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (7, '31', 'job revision', 'SQL', 'V31__job_revision.sql', -1805984567, 'postgres', '2026-12-03 11:34:37.990853', 9, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (8, '32', 'cluster control', 'SQL', 'V32__cluster_control.sql', 1752343425, 'postgres', '2026-12-03 11:34:38.004931', 9, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (9, '33', 'quota by creator', 'SQL', 'V33__quota_by_creator.sql', -686165245, 'postgres', '2026-12-03 11:34:38.021866', 3, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (10, '40', 'notifications', 'SQL', 'V40__notifications.sql', -733898355, 'postgres', '2026-12-03 11:34:38.02971', 5, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (11, '41', 'job types', 'SQL', 'V41__job_types.sql', -172554006, 'postgres', '2026-12-03 11:34:38.041358', 7, true);
INSERT INTO public.kairos_schema_history (installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success) VALUES (12, '42', 'watchdog recurring index', 'SQL', 'V42__watchdog_recurring_index.sql', 2011985067, 'postgres', '2026-12-03 11:34:38.0548', 3, true);


--
-- Data for Name: kairos_type_schema; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('noop', '4135c975981158efefad7e297d94c535868bc417fe95da7b21b935fde576b6b7', 'Does nothing, optionally for a while (simulated work).', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"duration": {"type": "string", "format": "duration", "description": "ISO-8601 duration of the simulated work, PT0S to PT1H; absent means none"}}, "additionalProperties": false}', '[]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');
INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('log', 'ceacb42a96039897c1436a14082b398a9151557a56f844cd9482c52dc58f4994', 'Writes one line to the worker''s log.', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "required": ["message"], "properties": {"message": {"type": "string", "description": "the line to log: not blank, at most 4000 characters"}}, "additionalProperties": false}', '[]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');
INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('email', '87887fca3f4eeaf832efa74d6e82963ae99b6b2bd92ac51e3a4f1d587e629e40', 'Sends one e-mail over SMTP.', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"cc": {"type": "array", "items": {"type": "string"}}, "to": {"type": "array", "items": {"type": "string"}}, "bcc": {"type": "array", "items": {"type": "string"}}, "from": {"type": "string"}, "html": {"type": "string"}, "text": {"type": "string"}, "replyTo": {"type": "string"}, "subject": {"type": "string"}}, "additionalProperties": false}', '[]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');
INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('webhook', '78d2c61aa7907f091e1ff1f6f9ab669a55b01073f6e4130bac0295cc847d181d', 'Sends one HTTP request, signed as Standard Webhooks says, with an Idempotency-Key.', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"url": {"type": "string"}, "auth": {"type": "object", "properties": {"oauthCredential": {"type": "string"}}, "additionalProperties": false}, "body": {"type": "object", "additionalProperties": false}, "method": {"type": "string"}, "headers": {"type": "object", "additionalProperties": false}, "timeout": {"type": "string", "format": "duration"}}, "additionalProperties": false}', '["headers.*"]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');
INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('oauth-token-refresh', '4025c1b0fa9d2d81980b5257759987dcb2863c9bf74ec69cc79b8ca7184b896c', 'Refreshes a stored OAuth2 credential ahead of its expiry (refresh_token or client_credentials grant).', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"credentialId": {"type": "string"}}, "additionalProperties": false}', '[]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');
INSERT INTO public.kairos_type_schema (type_name, schema_hash, description, payload_schema, secret_fields, built_in, first_published, last_published) VALUES ('retention', '8fbcfe4c3469c195c92f772c4b13175ab8bc58a7c9bc694b7374585e7a3a6a71', 'Deletes rows older than a cut-off from a configured table, in batches (operators only).', '{"type": "object", "$schema": "https://json-schema.org/draft/2020-12/schema", "properties": {"table": {"type": "string"}, "column": {"type": "string"}, "expired": {"type": "boolean"}, "batchSize": {"type": "integer"}, "olderThan": {"type": "string", "format": "duration"}}, "additionalProperties": false}', '[]', true, '2026-12-03 11:34:38.948298+00', '2026-12-03 11:35:41.896431+00');


--
-- Data for Name: scheduled_tasks; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, last_success, last_failure, consecutive_failures, last_heartbeat, version, priority) VALUES ('noop', 'every-5-min', '\x7b227061796c6f6164223a7b7d2c227363686564756c65223a7b2263726f6e223a222a2f35202a202a202a202a222c2274696d655a6f6e65223a225a227d2c226d6178417474656d707473223a332c22617474656d7074223a312c227265636f7665726564223a66616c73657d', '2026-12-03 11:40:00+00', false, NULL, NULL, NULL, NULL, NULL, 1, 0);
INSERT INTO public.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, last_success, last_failure, consecutive_failures, last_heartbeat, version, priority) VALUES ('log', 'future-reminder', '\x7b227061796c6f6164223a7b226d657373616765223a226d656574696e67227d2c227363686564756c65223a7b226174223a22323032372d31322d31385432333a30303a30305a222c2274696d655a6f6e65223a22416d65726963612f4e65775f596f726b227d2c226d6178417474656d707473223a332c22617474656d7074223a312c227265636f7665726564223a66616c73657d', '2027-12-18 23:00:00+00', false, NULL, NULL, NULL, NULL, NULL, 1, 0);
INSERT INTO public.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, last_success, last_failure, consecutive_failures, last_heartbeat, version, priority) VALUES ('oauth-token-refresh', 'oauth-refresh:crm', '\x7b227061796c6f6164223a7b2263726564656e7469616c4964223a2263726d227d2c227363686564756c65223a7b226174223a22323032362d31322d30335431313a33363a31322e3537393837395a227d2c226d6178417474656d707473223a332c22617474656d7074223a312c227265636f7665726564223a66616c73657d', '2026-12-03 12:31:12.636503+00', false, NULL, '2026-12-03 11:36:12.773208+00', NULL, 0, NULL, 3, 0);
INSERT INTO public.scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, last_success, last_failure, consecutive_failures, last_heartbeat, version, priority) VALUES ('webhook', 'crm-sync', '\x7b227061796c6f6164223a7b2275726c223a22687474703a2f2f3132372e302e302e313a31383039392f63726d222c2261757468223a7b226f6175746843726564656e7469616c223a2263726d227d2c2268656164657273223a7b22582d4170692d4b6579223a7b227365616c6564223a2276313a6b313a7a445a435a614557326d5662534a3562705a41575939575051616a7147586551746c7233704a57437a656331366f736d54727a56452b634555574868227d7d7d2c227363686564756c65223a7b2263726f6e223a22302033202a202a202a222c2274696d655a6f6e65223a225a227d2c226d6178417474656d707473223a332c22617474656d7074223a312c227265636f7665726564223a66616c73657d', '2026-12-04 03:00:00+00', false, NULL, NULL, NULL, NULL, NULL, 1, 0);


--
-- Data for Name: shedlock; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.shedlock (name, lock_until, locked_at, locked_by) VALUES ('kairos-watchdog', '2026-12-03 11:36:13.154273', '2026-12-03 11:36:12.154273', 'vm');


--
-- Name: kairos_job_run_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.kairos_job_run_id_seq', 5, true);


--
-- Name: kairos_control kairos_control_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_control
    ADD CONSTRAINT kairos_control_pkey PRIMARY KEY (id);


--
-- Name: kairos_job kairos_job_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_job
    ADD CONSTRAINT kairos_job_pkey PRIMARY KEY (id);


--
-- Name: kairos_job_run kairos_job_run_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_job_run
    ADD CONSTRAINT kairos_job_run_pkey PRIMARY KEY (id);


--
-- Name: kairos_node kairos_node_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_node
    ADD CONSTRAINT kairos_node_pkey PRIMARY KEY (name);


--
-- Name: kairos_node_type kairos_node_type_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_node_type
    ADD CONSTRAINT kairos_node_type_pkey PRIMARY KEY (node, type_name);


--
-- Name: kairos_notified kairos_notified_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_notified
    ADD CONSTRAINT kairos_notified_pkey PRIMARY KEY (job_id, event);


--
-- Name: kairos_oauth_credential kairos_oauth_credential_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_oauth_credential
    ADD CONSTRAINT kairos_oauth_credential_pkey PRIMARY KEY (id);


--
-- Name: kairos_schema_history kairos_schema_history_pk; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_schema_history
    ADD CONSTRAINT kairos_schema_history_pk PRIMARY KEY (installed_rank);


--
-- Name: kairos_type_schema kairos_type_schema_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.kairos_type_schema
    ADD CONSTRAINT kairos_type_schema_pkey PRIMARY KEY (type_name, schema_hash);


--
-- Name: scheduled_tasks scheduled_tasks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.scheduled_tasks
    ADD CONSTRAINT scheduled_tasks_pkey PRIMARY KEY (task_name, task_instance);


--
-- Name: shedlock shedlock_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.shedlock
    ADD CONSTRAINT shedlock_pkey PRIMARY KEY (name);


--
-- Name: execution_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX execution_time_idx ON public.scheduled_tasks USING btree (execution_time);


--
-- Name: kairos_job_active_recurring_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_active_recurring_idx ON public.kairos_job USING btree (id) WHERE ((state = 'ACTIVE'::text) AND ((schedule ->> 'at'::text) IS NULL));


--
-- Name: kairos_job_group_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_group_idx ON public.kairos_job USING btree (job_group, id);


--
-- Name: kairos_job_live_by_creator_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_live_by_creator_idx ON public.kairos_job USING btree (created_by) WHERE (state = ANY (ARRAY['ACTIVE'::text, 'PAUSED'::text]));


--
-- Name: kairos_job_run_job_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_run_job_idx ON public.kairos_job_run USING btree (job_id, id);


--
-- Name: kairos_job_run_recovered_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_run_recovered_idx ON public.kairos_job_run USING btree (id) WHERE recovered;


--
-- Name: kairos_job_run_running_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_run_running_idx ON public.kairos_job_run USING btree (job_id, node) WHERE (outcome = 'RUNNING'::text);


--
-- Name: kairos_job_run_started_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_run_started_idx ON public.kairos_job_run USING btree (started_at);


--
-- Name: kairos_job_source_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_source_idx ON public.kairos_job USING btree (source) WHERE (source <> 'API'::text);


--
-- Name: kairos_job_stale_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_stale_idx ON public.kairos_job USING btree (id) WHERE (stale_since IS NOT NULL);


--
-- Name: kairos_job_state_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_state_idx ON public.kairos_job USING btree (state, id);


--
-- Name: kairos_job_type_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_job_type_idx ON public.kairos_job USING btree (type, id);


--
-- Name: kairos_node_type_type_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_node_type_type_idx ON public.kairos_node_type USING btree (type_name);


--
-- Name: kairos_notified_last_at_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_notified_last_at_idx ON public.kairos_notified USING btree (last_at);


--
-- Name: kairos_oauth_credential_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_oauth_credential_status_idx ON public.kairos_oauth_credential USING btree (status) WHERE (status <> 'ACTIVE'::text);


--
-- Name: kairos_schema_history_s_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX kairos_schema_history_s_idx ON public.kairos_schema_history USING btree (success);


--
-- Name: last_heartbeat_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX last_heartbeat_idx ON public.scheduled_tasks USING btree (last_heartbeat);


--
-- Name: priority_execution_time_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX priority_execution_time_idx ON public.scheduled_tasks USING btree (priority DESC, execution_time);


--
-- PostgreSQL database dump complete
--


