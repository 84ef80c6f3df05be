import { ForbiddenException } from '@nestjs/common';
import type { Caller } from '@custody/auth';
import type { AdditionChannel } from '@custody/wallet-domain';

/** 403 code: a `custody-service` caller that is not the exchange's identity asked to add a client's address. */
export const CLIENT_CHANNEL_SUBJECT_UNKNOWN = 'CLIENT_CHANNEL_SUBJECT_UNKNOWN';

/**
 * HK-11h: through whom an address addition comes. The client's own channel is the exchange's
 * service identity (role `custody-service`, subject one of the configured exchange subjects)
 * forwarding what the client signed or paid; an operator is staff (their additions need an
 * approver). Any other caller is refused: another custody service's workload identity is not the
 * client's channel.
 */
export function additionChannel(
  caller: Caller,
  exchangeSubjects: readonly string[],
): AdditionChannel | undefined {
  if (caller.roles.includes('custody-service') && exchangeSubjects.includes(caller.id))
    return 'client';
  if (caller.roles.includes('operator')) return 'staff';
  return undefined;
}

export function additionChannelOr403(
  caller: Caller,
  exchangeSubjects: readonly string[],
): AdditionChannel {
  const channel = additionChannel(caller, exchangeSubjects);
  if (channel === undefined) {
    throw new ForbiddenException({
      statusCode: 403,
      code: CLIENT_CHANNEL_SUBJECT_UNKNOWN,
      reason: `${caller.id} is not the exchange's identity (WALLET_EXCHANGE_SUBJECTS) nor an operator: it cannot add a client's address`,
    });
  }
  return channel;
}
