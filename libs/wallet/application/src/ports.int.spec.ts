import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookTransferAlertNotifier, type LargeTransferAlert } from './ports';

const alert: LargeTransferAlert = {
  kind: 'withdrawal',
  movementId: 'W-1',
  clientId: 'alice',
  walletId: 'eth-hot-1',
  asset: 'ETH',
  amountMinor: 5_000_000_000_000_000_000n,
  thresholdMinor: 2_000_000_000_000_000_000n,
  thresholdScope: 'asset',
  notifyRoles: ['compliance-officer'],
  at: '2026-11-24T09:00:00.000Z',
};

/** The webhook adapter of the alert port against a real HTTP server on this machine. */
describe('large-transfer alerts by webhook (TW-15.3)', () => {
  let server: Server;
  let url: string;
  let status = 204;
  const received: { body: string; contentType: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ body, contentType: request.headers['content-type'] });
        response.statusCode = status;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('TW-15.3 POSTs the alert as JSON with amounts as decimal text, naming the roles to notify', async () => {
    await new WebhookTransferAlertNotifier(url).notify(alert);
    expect(received).toHaveLength(1);
    expect(received[0]?.contentType).toBe('application/json');
    expect(JSON.parse(received[0]?.body ?? '{}')).toEqual({
      ...alert,
      amountMinor: '5000000000000000000',
      thresholdMinor: '2000000000000000000',
    });
  });

  it('a non-2xx answer is a failed delivery (the caller reports it; the alert stays an event)', async () => {
    status = 500;
    await expect(new WebhookTransferAlertNotifier(url).notify(alert)).rejects.toThrow(/500/);
  });
});
