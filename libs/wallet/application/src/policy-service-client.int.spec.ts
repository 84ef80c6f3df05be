import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WalletState, WithdrawalRequest } from '@custody/wallet-domain';
import { PolicyServiceWithdrawalPolicy, PolicyUnavailableError } from './ports';

/**
 * The wallet's client of the policy service over real HTTP (a local server standing in for the
 * policy service's answers, each kind once): a decision is taken as given, a 422 is a refusal of
 * the withdrawal, anything else is "no answer" (retry), and the token is the file's current one.
 */
describe("PolicyServiceWithdrawalPolicy: the policy service's answers as the wallet reads them", () => {
  let server: Server;
  let url = '';
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  const seen: { authorization: string | undefined; body: Record<string, unknown> }[] = [];
  let token = 'token-1';
  const client = () =>
    new PolicyServiceWithdrawalPolicy({ url, token: () => Promise.resolve(token) });
  const request = {
    withdrawalId: 'W-1',
    requestId: 'R-1',
    clientId: 'alice',
    asset: 'ETH',
    amountMinor: 10n ** 18n,
    walletId: 'hot-1',
    destinationAddress: '0xabc',
    destinationWalletId: null,
    requestedBy: 'operator-1',
  } as WithdrawalRequest;
  const wallet = {} as WalletState;
  const read = async (incoming: IncomingMessage) => {
    let text = '';
    for await (const chunk of incoming) text += String(chunk);
    return JSON.parse(text) as Record<string, unknown>;
  };

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      void read(incoming).then((body) => {
        seen.push({ authorization: incoming.headers.authorization, body });
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("given a decision, then it is the wallet's, asked with the amount as decimal text, the allow-list fact and the current token", async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        allowed: true,
        quorumRequired: 3,
        reason: 'allowed with a quorum of 3',
        policyVersion: 'HK-2026.1',
        checks: [],
      }),
    };
    expect(await client().decide(request, wallet, { destinationAllowListed: true })).toEqual({
      allowed: true,
      quorumRequired: 3,
      reason: 'allowed with a quorum of 3',
      policyVersion: 'HK-2026.1',
    });
    token = 'token-2'; // rotated
    await client().decide(request, wallet, { destinationAllowListed: false });
    expect(seen.map((entry) => entry.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(seen[1]?.body).toEqual({
      withdrawalId: 'W-1',
      clientId: 'alice',
      asset: 'ETH',
      amountMinor: '1000000000000000000',
      destinationAllowListed: false,
    });
  });

  it('given a 422 from the policy service, then the withdrawal is refused with its code and reason', async () => {
    answer = {
      status: 422,
      body: JSON.stringify({
        statusCode: 422,
        code: 'WITHDRAWAL_DECISION_CONFLICT',
        path: 'body.withdrawalId',
        reason: 'W-1 was decided for another amount',
      }),
    };
    expect(await client().decide(request, wallet, { destinationAllowListed: true })).toMatchObject({
      allowed: false,
      reason: 'WITHDRAWAL_DECISION_CONFLICT: W-1 was decided for another amount',
    });
  });

  it('given a 409 WITHDRAWAL_DECISION_CONFLICT from the policy service, then the withdrawal is refused with its code and reason', async () => {
    answer = {
      status: 409,
      body: JSON.stringify({
        statusCode: 409,
        code: 'WITHDRAWAL_DECISION_CONFLICT',
        path: 'body.withdrawalId',
        reason: 'W-1 was decided for another amount',
      }),
    };
    expect(await client().decide(request, wallet, { destinationAllowListed: true })).toMatchObject({
      allowed: false,
      reason: 'WITHDRAWAL_DECISION_CONFLICT: W-1 was decided for another amount',
    });
  });

  it('given a 503, a 403, a 200 without a decision, or nobody listening, then no answer: PolicyUnavailableError (the request is retried, never decided without the policy)', async () => {
    for (const given of [
      { status: 503, body: '{"code":"POLICY_NOT_READY"}' },
      { status: 403, body: '{"code":"AUTH_ROLE_MISSING","reason":"x"}' },
      { status: 409, body: '{"code":"EVENT_STORE_WRONG_EXPECTED_VERSION","reason":"x"}' },
      { status: 200, body: '{"allowed":"yes"}' },
    ]) {
      answer = given;
      await expect(
        client().decide(request, wallet, { destinationAllowListed: true }),
      ).rejects.toBeInstanceOf(PolicyUnavailableError);
    }
    const nobody = new PolicyServiceWithdrawalPolicy({
      url: 'http://127.0.0.1:9',
      token: () => Promise.resolve(token),
    });
    await expect(nobody.decide(request, wallet, { destinationAllowListed: true })).rejects.toThrow(
      /did not answer/,
    );
  });
});
