-- The application's own tables, migrated by Spring Boot's Flyway (history: flyway_schema_history).
-- Kairos migrates its tables itself, with a history table of its own (kairos_schema_history).
create table invoice (
    id           text primary key,
    customer     text        not null,
    amount_cents bigint      not null,
    due_at       timestamptz not null,
    created_at   timestamptz not null default now()
);

create table invoice_reminder_sent (
    invoice_id text        not null references invoice (id),
    occurrence text        not null,
    sent_at    timestamptz not null,
    primary key (invoice_id, occurrence)
);
