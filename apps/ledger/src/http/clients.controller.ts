import { Body, Controller, Get, HttpCode, Inject, Param, Post, UnprocessableEntityException } from '@nestjs/common';
import { CurrentCaller, Roles, type Caller } from '@custody/auth';
import type { LedgerCommandHandler } from '@custody/ledger-application';
import { availableBalance, postedBalance } from '@custody/ledger-domain';
import { ValidationFailedException } from '@custody/service-host';
import { LEDGER_COMMAND_HANDLER } from '../ledger-tokens';

/** Client ids as everywhere on the wire (contracts: identifiers). */
const CLIENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9:._\-/]{0,127}$/;

function clientIdOf(value: unknown, path: string): string {
  if (typeof value !== 'string' || !CLIENT_ID_PATTERN.test(value)) {
    throw new ValidationFailedException([{ path, reason: `must match ${CLIENT_ID_PATTERN.source}` }]);
  }
  return value;
}

/**
 * Clients' books (HK-21): onboarding a client (an operator), and each client's balances per
 * asset as posted, pending and available, from the client's own stream (operators, auditors).
 */
@Controller('v1/clients')
export class ClientsController {
  constructor(@Inject(LEDGER_COMMAND_HANDLER) private readonly handler: LedgerCommandHandler) {}

  @Post()
  @HttpCode(200)
  @Roles('operator')
  async onboard(@Body() body: unknown, @CurrentCaller() caller: Caller) {
    const clientId = clientIdOf((body as { clientId?: unknown } | null)?.clientId, 'body.clientId');
    // Business time of an HTTP command is when it was received (the boundary, not the domain).
    const result = await this.handler.handle({ type: 'OnboardClient', clientId, metadata: { at: new Date().toISOString() } });
    if (!result.ok) throw new UnprocessableEntityException({ statusCode: 422, code: result.error.code, path: `body.${result.error.path}`, reason: result.error.reason });
    return { clientId, onboarded: result.events.length > 0 ? 'now' : 'already', by: caller.id };
  }

  @Get(':clientId/balances')
  @Roles('operator', 'auditor')
  async balances(@Param('clientId') clientIdParam: string) {
    const clientId = clientIdOf(clientIdParam, 'path.clientId');
    const { state, versions } = await this.handler.load([clientId]);
    if (!state.clients.has(clientId)) throw new UnprocessableEntityException({ statusCode: 422, code: 'CLIENT_UNKNOWN', path: 'path.clientId', reason: `client ${clientId} is not onboarded` });
    const balances = [...state.accounts.values()]
      .filter(({ account }) => account.kind === 'client' && account.clientId === clientId)
      .map(({ account, balance }) => ({
        asset: account.asset,
        postedMinor: postedBalance(account, balance).toString(),
        pendingDebitsMinor: balance.debitsPending.toString(),
        availableMinor: availableBalance(account, balance).toString(),
      }))
      .sort((left, right) => (left.asset < right.asset ? -1 : 1));
    return { clientId, asOfStreamVersion: ([...versions.values()][0] ?? 0n).toString(), balances };
  }
}
