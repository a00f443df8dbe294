-- This application's own tables, migrated by Spring Boot's Flyway (history: flyway_schema_history).
create table customer_order (
    id             text primary key,
    customer_email text        not null,
    amount_cents   bigint      not null,
    placed_at      timestamptz not null default now()
);

-- One row per confirmed occurrence: the key that makes the confirmation idempotent.
create table order_confirmation (
    occurrence_id  text primary key,
    order_id       text        not null references customer_order (id),
    customer_email text        not null,
    confirmed_at   timestamptz not null default now()
);
