// Prints a development JWT signed with the runner's .custody/auth-secret (else .dev/auth-secret): npm run -s dev:token -- auditor [subject]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRole } from '@custody/auth';
import { signTestToken } from '@custody/auth/testing';

const DEV_TOKEN_LIFETIME_SECONDS = 3_600;

async function main(): Promise<void> {
  const [rolesArgument = '', subject = 'dev-user'] = process.argv.slice(2);
  const roles = rolesArgument.split(',').filter((role) => role.length > 0);
  if (roles.length === 0 || !roles.every(isRole)) {
    throw new Error(
      'usage: npm run -s dev:token -- <role[,role...]> [subject]; roles: operator, approver, key-custodian, auditor, sre, admin',
    );
  }
  // npm start's runner keeps its secret in its data directory; npm run start:<service> in .dev
  const runnerSecret = join(process.env['CUSTODY_DATA_DIR'] ?? '.custody', 'auth-secret');
  const secret =
    process.env['AUTH_JWT_SECRET'] ??
    readFileSync(existsSync(runnerSecret) ? runnerSecret : '.dev/auth-secret', 'utf8').trim();
  const token = await signTestToken({
    secret,
    issuer: process.env['AUTH_ISSUER'] ?? 'custody-dev',
    audience: process.env['AUTH_AUDIENCE'] ?? 'custody',
    subject,
    roles,
    expiresInSeconds: DEV_TOKEN_LIFETIME_SECONDS,
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
