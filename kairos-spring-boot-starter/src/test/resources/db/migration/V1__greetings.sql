-- An application's own migration, run by Spring Boot's Flyway with its default settings (schema
-- public, history flyway_schema_history): ApplicationMigrationsTests.
create table greeting (
  id   bigint generated always as identity primary key,
  text text not null
);
