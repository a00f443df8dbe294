-- Jobs that belong to operators (source CONFIG) and to Kairos (source SYSTEM, e.g. an OAuth
-- credential's refresh job) next to API jobs. source has no check constraint, so SYSTEM needs no
-- change of the column.
--
-- An API job whose id a worker's kairos.jobs also declares keeps its id; the declaration is not
-- applied while it exists, and the worker that found the clash marks the job here, so the API can
-- show it ("shadowsDeclaration"). Every worker start recomputes the marks.
alter table kairos_job add column shadows_declaration boolean not null default false;
