-- The databases and their roles. The postgres image runs this once, on an empty volume, as the
-- superuser (POSTGRES_USER), with psql 15 (\getenv); the superuser is for this and for operators only.
-- Each service connects as a role of its own that owns its database(s) and nothing else, and no
-- other role may connect to them: a service cannot read another's `person_keys`.
-- Re-runnable on a volume made before (deploy/OPERATIONS.md, Credentials): it creates what is missing
-- and sets the passwords, owners and privileges again.
\set ON_ERROR_STOP on

\getenv assessment_password WECARE_DB_ASSESSMENT_PASSWORD
\getenv planning_password WECARE_DB_PLANNING_PASSWORD
\getenv delivery_password WECARE_DB_DELIVERY_PASSWORD
\getenv evaluation_password WECARE_DB_EVALUATION_PASSWORD
\getenv buyers_password WECARE_DB_BUYERS_PASSWORD

-- Every password is required: a missing one stops here, named (and nothing is created).
SELECT format('DO $$BEGIN RAISE EXCEPTION %L; END$$', variable || ' is not set (deploy/OPERATIONS.md, Credentials)')
  FROM (VALUES ('WECARE_DB_ASSESSMENT_PASSWORD', :{?assessment_password}),
               ('WECARE_DB_PLANNING_PASSWORD', :{?planning_password}),
               ('WECARE_DB_DELIVERY_PASSWORD', :{?delivery_password}),
               ('WECARE_DB_EVALUATION_PASSWORD', :{?evaluation_password}),
               ('WECARE_DB_BUYERS_PASSWORD', :{?buyers_password})) AS required(variable, present)
 WHERE NOT present \gexec

-- One database per service (a service never reads another's), and the person keys of delivery and
-- evaluation in a database of their own, apart from the events they open (a restored events database
-- brings no key back); each owned by its service's role.
CREATE TEMPORARY TABLE wecare_databases (name text, owner text);
INSERT INTO wecare_databases VALUES
  ('assessment', 'assessment'),
  ('planning', 'planning'),
  ('delivery', 'delivery'),
  ('delivery_keys', 'delivery'),
  ('evaluation', 'evaluation'),
  ('evaluation_keys', 'evaluation'),
  ('buyers', 'buyers');

SELECT format('CREATE ROLE %I', owner) FROM (SELECT DISTINCT owner FROM wecare_databases) AS o
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = owner) \gexec
-- a login and nothing else: no superuser, no creating databases or roles, no other role's rights
ALTER ROLE assessment LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'assessment_password';
ALTER ROLE planning LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'planning_password';
ALTER ROLE delivery LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'delivery_password';
ALTER ROLE evaluation LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'evaluation_password';
ALTER ROLE buyers LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'buyers_password';

SELECT format('CREATE DATABASE %I OWNER %I', name, owner) FROM wecare_databases
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = name) \gexec
-- the owner connects and creates its tables (PostgreSQL 15: the public schema belongs to the
-- database's owner); PUBLIC, i.e. every other role, may not even connect
SELECT format('ALTER DATABASE %I OWNER TO %I', name, owner),
       format('REVOKE ALL ON DATABASE %I FROM PUBLIC', name)
  FROM wecare_databases \gexec

DROP TABLE wecare_databases;
