import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@custody/observability';
import { freePort } from '@custody/testing';
import { DASHBOARD_ANSWER_BYTES_MAX, startDashboard } from './dashboard';
import type { RunnerService } from './runner-config';

/**
 * The dashboard's pass-through to the services (issue 9), against a real HTTP server standing in
 * for a service: the caller's own token goes through, nothing else is added, and an answer larger
 * than DASHBOARD_ANSWER_BYTES_MAX is refused rather than buffered.
 */
describe('the dashboard passes requests on to the services', () => {
  let service: Server;
  let dashboard: { close(): Promise<void> } | undefined;
  let dashboardUrl: string;
  const seen: Array<{ url: string; authorization: string | undefined }> = [];

  beforeAll(async () => {
    service = createServer((request, response) => {
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
      if (request.url === '/v1/huge') {
        // streamed without a length: the dashboard must stop reading past its limit
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        for (let sent = 0; sent <= DASHBOARD_ANSWER_BYTES_MAX; sent += chunk.length) response.write(chunk);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: true }));
    });
    service.listen(0, '127.0.0.1');
    await once(service, 'listening');
    const port = (service.address() as AddressInfo).port;
    const servicePorts = { ledger: port, wallet: port, policy: port, reconciliation: port, audit: port } as Record<RunnerService, number>;
    const dashboardPort = await freePort();
    dashboard = await startDashboard({ port: dashboardPort, servicePorts, users: [], signToken: async () => 'unused', logger: createLogger('dashboard-test', 'error') });
    dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  }, 120_000);

  afterAll(async () => {
    await dashboard?.close();
    service?.close();
  });

  it('given a call with a bearer token, then the service gets that token and that path, and the answer comes back', async () => {
    const response = await fetch(`${dashboardUrl}/api/ledger/v1/clients/sim-0001/balances?at=2026-11-24T00:00:00Z`, { headers: { authorization: 'Bearer the-callers-own' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toEqual({ url: '/v1/clients/sim-0001/balances?at=2026-11-24T00:00:00Z', authorization: 'Bearer the-callers-own' });
  });

  it('given a call without a token, then none is added (the service refuses it itself)', async () => {
    await fetch(`${dashboardUrl}/api/audit/v1/audit/status`);
    expect(seen.at(-1)).toEqual({ url: '/v1/audit/status', authorization: undefined });
  });

  it('given an answer larger than the limit, then 502 ANSWER_TOO_LARGE, not the answer', async () => {
    const response = await fetch(`${dashboardUrl}/api/wallet/v1/huge`, { headers: { authorization: 'Bearer x' } });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ code: 'ANSWER_TOO_LARGE' });
  });

  it('given a path outside /api/<service>/v1, then 404 and nothing reaches a service', async () => {
    const before = seen.length;
    expect((await fetch(`${dashboardUrl}/api/vault/v1/keys`)).status).toBe(404);
    // fetch would resolve '..' itself: sent as written, and encoded
    for (const path of ['/api/ledger/v1/../../admin', '/api/ledger/v1/%2e%2e/%2e%2e/admin']) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest({ host: '127.0.0.1', port: Number(new URL(dashboardUrl).port), path, method: 'GET' }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        request.end();
      });
      expect({ path, status }).toEqual({ path, status: 404 });
    }
    expect(seen.length).toBe(before);
  });
});
