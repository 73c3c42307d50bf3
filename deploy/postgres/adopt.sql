-- A volume made before the per-service roles: its tables belong to the old superuser (`wecare`), so
-- the service's role could not use them. Run in each database after init.sql, as the superuser:
--   psql -U wecare -d delivery_keys -v owner=delivery -f adopt.sql
-- (deploy/OPERATIONS.md, Credentials). Gives every table of the public schema, with its sequences
-- and indexes, to the database's owner.
\set ON_ERROR_STOP on
SELECT format('ALTER TABLE public.%I OWNER TO %I', tablename, :'owner')
  FROM pg_tables WHERE schemaname = 'public' AND tableowner <> :'owner' \gexec
