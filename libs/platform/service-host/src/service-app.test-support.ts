import { Controller, Get, Param, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Roles } from '@custody/auth';
import { signTestToken } from '@custody/auth/testing';
import type { TestDatabase } from '@custody/testing';
import type { AddressInfo } from 'node:net';
import { createServiceApp } from './run-service';

/** The test app's token settings (HS256, development only). */
export const TEST_APP_AUTH = {
  secret: 'security-events-test-secret-of-32-bytes!',
  issuer: 'https://issuer.custody.test',
  audience: 'custody-services',
} as const;
const READY_WAIT_MS = 30_000;

/** Stands in for a service's routes: a client's data under /clients/:clientId, and an admin-only one. */
@Controller('v1/clients')
export class ClientDataController {
  @Get(':clientId/balances')
  @Roles('operator', 'auditor', 'custody-service')
  balances(@Param('clientId') clientId: string) {
    return { clientId, balances: [] };
  }

  @Get(':clientId/keys')
  @Roles('admin')
  keys(@Param('clientId') clientId: string) {
    return { clientId };
  }
}

export function testAppToken(subject: string, roles: readonly string[]): Promise<string> {
  return signTestToken({ ...TEST_APP_AUTH, subject, roles: [...roles] });
}

/** A real service app (the host module, its guard, PostgreSQL) around `serviceModule`, listening on a free port and ready. */
export async function startTestServiceApp(
  database: TestDatabase,
  serviceModule: Type<unknown>,
  options: { logLevel?: string; logDestination?: { write(line: string): void } } = {},
): Promise<{ app: NestExpressApplication; baseUrl: string }> {
  const created = await createServiceApp({
    serviceName: 'ledger',
    defaultPort: 0,
    serviceModule,
    environment: {
      DATABASE_URL: database.url,
      AUTH_ISSUER: TEST_APP_AUTH.issuer,
      AUTH_AUDIENCE: TEST_APP_AUTH.audience,
      AUTH_JWT_SECRET: TEST_APP_AUTH.secret,
      LOG_LEVEL: options.logLevel ?? 'info',
    },
    ...(options.logDestination === undefined ? {} : { logDestination: options.logDestination }),
  });
  if (!created.ok) throw new Error(JSON.stringify(created.problems));
  const app = created.service.app;
  await created.service.serve(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const deadline = Date.now() + READY_WAIT_MS;
  while ((await fetch(`${baseUrl}/health/ready`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('the service did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { app, baseUrl };
}
