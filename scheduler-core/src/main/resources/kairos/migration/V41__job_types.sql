-- The job types workers serve. A worker publishes the types it serves when it starts: each type's
-- description, secret fields and payload JSON Schema (generated from its payload record). Two
-- versions of a type (a rolling upgrade) publish two schemas; each is kept, by its hash.
create table kairos_type_schema (
  type_name       text        not null,
  schema_hash     text        not null,  -- SHA-256 of the schema's JSON
  description     text        not null,
  payload_schema  jsonb       not null,
  secret_fields   jsonb       not null default '[]',
  built_in        boolean     not null,
  first_published timestamptz not null default now(),
  last_published  timestamptz not null default now(),
  primary key (type_name, schema_hash)
);

-- Which node serves which type, with which schema: a node's rows are replaced each time it starts.
-- Whether the node is alive is kairos_node's to say (last_seen, state).
create table kairos_node_type (
  node        text not null,
  type_name   text not null,
  schema_hash text not null,
  primary key (node, type_name)
);
create index kairos_node_type_type_idx on kairos_node_type (type_name);
