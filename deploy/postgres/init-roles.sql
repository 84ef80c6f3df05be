-- docker compose (issue 22, least-privilege database roles): run once by the postgres image when
-- it creates its data directory (mounted into /docker-entrypoint-initdb.d), by psql as the
-- bootstrap superuser (POSTGRES_USER) in the database POSTGRES_DB (custody), with ON_ERROR_STOP.
-- Every password comes from the container's environment (compose interpolates it from the
-- host's: docker-compose.yml), never from this file; an unset one stops the script.
--
--   custody              the migration role: owns the database and, through the migration
--                        runs (migrate-<service>), every schema; CREATEROLE for the audit's
--                        writer role (custody_audit_writer, made by the audit's migration);
--                        no superuser, so it cannot switch the history guard's triggers off.
--   custody_<service>    each service's own login role: nothing but CONNECT here; its migration
--                        run grants it SELECT and INSERT on history (events, inbox, the audit
--                        record), UPDATE and DELETE only on read models and positions.
\set ON_ERROR_STOP on
\getenv owner_password CUSTODY_DB_OWNER_PASSWORD
\getenv ledger_password CUSTODY_DB_LEDGER_PASSWORD
\getenv wallet_password CUSTODY_DB_WALLET_PASSWORD
\getenv policy_password CUSTODY_DB_POLICY_PASSWORD
\getenv reconciliation_password CUSTODY_DB_RECONCILIATION_PASSWORD
\getenv audit_password CUSTODY_DB_AUDIT_PASSWORD

create role custody login nosuperuser createrole nocreatedb noreplication nobypassrls password :'owner_password';
alter database custody owner to custody;

create role custody_ledger login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'ledger_password';
create role custody_wallet login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'wallet_password';
create role custody_policy login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'policy_password';
create role custody_reconciliation login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'reconciliation_password';
create role custody_audit login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password :'audit_password';

-- only the custody roles reach the database; nobody else may create temporary tables in it
revoke all on database custody from public;
grant connect on database custody to custody_ledger, custody_wallet, custody_policy, custody_reconciliation, custody_audit;
