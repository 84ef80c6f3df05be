// Topic names are wire contracts, versioned in the name (ARCHITECTURE.md, Messaging).
export const EXCHANGE_TRADES_TOPIC = 'exchange.trades.v1';
export const EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC = 'exchange.withdrawal-requests.v1';
export const EXCHANGE_PRICES_TOPIC = 'exchange.prices.v1';
/** Client fiat held in trust: receipts, payouts, collector settlements (TW-10, TW-11). */
export const EXCHANGE_FIAT_TOPIC = 'exchange.fiat.v1';

export const LEDGER_EVENTS_TOPIC = 'custody.ledger.events.v1';
export const WALLET_EVENTS_TOPIC = 'custody.wallet.events.v1';
export const POLICY_EVENTS_TOPIC = 'custody.policy.events.v1';
export const RECONCILIATION_EVENTS_TOPIC = 'custody.reconciliation.events.v1';
export const AUDIT_EVENTS_TOPIC = 'custody.audit.events.v1';

export const DEAD_LETTER_TOPIC = 'custody.deadletter.v1';

export const UPSTREAM_TOPICS = [
  EXCHANGE_TRADES_TOPIC,
  EXCHANGE_WITHDRAWAL_REQUESTS_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  EXCHANGE_FIAT_TOPIC,
] as const;
export type UpstreamTopic = (typeof UPSTREAM_TOPICS)[number];

export const SERVICE_EVENTS_TOPICS = {
  ledger: LEDGER_EVENTS_TOPIC,
  wallet: WALLET_EVENTS_TOPIC,
  policy: POLICY_EVENTS_TOPIC,
  reconciliation: RECONCILIATION_EVENTS_TOPIC,
  audit: AUDIT_EVENTS_TOPIC,
} as const;
export type ServiceName = keyof typeof SERVICE_EVENTS_TOPICS;
export type ServiceEventsTopic = (typeof SERVICE_EVENTS_TOPICS)[ServiceName];

export type Topic = UpstreamTopic | ServiceEventsTopic | typeof DEAD_LETTER_TOPIC;

export const ALL_TOPICS: readonly Topic[] = [
  ...UPSTREAM_TOPICS,
  ...Object.values(SERVICE_EVENTS_TOPICS),
  DEAD_LETTER_TOPIC,
];

export function isTopic(name: string): name is Topic {
  return (ALL_TOPICS as readonly string[]).includes(name);
}
