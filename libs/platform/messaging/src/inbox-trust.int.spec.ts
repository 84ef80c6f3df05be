import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  DEAD_LETTER_TOPIC,
  EXCHANGE_PRICES_TOPIC,
  LEDGER_EVENTS_TOPIC,
  WALLET_EVENTS_TOPIC,
  type DeadLetterV2,
  type Topic,
} from '@custody/contracts';
import { createTestDatabase, waitFor, type TestDatabase } from '@custody/testing';
import {
  InboxConsumer,
  MESSAGE_ID_CONFLICT_CODE,
  migrateInbox,
  payloadDigest,
  type ConsumedMessage,
} from './consumer';
import {
  EXCHANGE_SIGNATURE_HEADER,
  EXCHANGE_SIGNATURE_KEY_ID_HEADER,
  ExchangeSignatureVerifier,
  signExchangeMessage,
} from './exchange-signature';
import { InProcessMessageBus } from './in-process-bus';
import type { InboundMessage, OutboundMessage } from './ports';

const WAIT_MS = 20_000;

function price(eventId: string, priceText: string, traceparent?: string) {
  return {
    eventId,
    type: 'PriceObserved',
    schemaVersion: 1,
    streamId: 'price-ETH',
    streamVersion: '1',
    occurredAt: '2026-12-07T09:00:00.000Z',
    causationId: null,
    correlationId: eventId,
    ...(traceparent === undefined ? {} : { traceContext: { traceparent } }),
    data: {
      asset: 'ETH',
      quoteCurrency: 'USD',
      price: priceText,
      observedAt: '2026-12-07T09:00:00.000Z',
      source: 'mid',
    },
  };
}

const exchange = generateKeyPairSync('ed25519');
const impostor = generateKeyPairSync('ed25519');
const signer = { keyId: 'exchange-1', key: exchange.privateKey };

describe('InboxConsumer: what it refuses to believe (issue 22)', () => {
  let db: TestDatabase;
  let bus: InProcessMessageBus;
  let consumer: InboxConsumer | undefined;
  const letters: DeadLetterV2[] = [];
  const letterHeaders: Array<Readonly<Record<string, string>>> = [];
  const applied: ConsumedMessage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  // each test on a bus of its own: a new group on the in-process bus reads its topics from the start
  beforeEach(async () => {
    bus = new InProcessMessageBus({ batchMessagesMax: 50 });
    await bus.subscriber('dead-letter-reader', [DEAD_LETTER_TOPIC]).start(async (batch) => {
      for (const message of batch.messages) {
        letters.push(JSON.parse(message.value.toString('utf8')) as DeadLetterV2);
        letterHeaders.push(message.headers);
      }
    });
  });

  afterEach(async () => {
    await consumer?.stop();
    consumer = undefined;
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function consume(
    groupId: string,
    topics: Topic[],
    options: {
      verifier?: ExchangeSignatureVerifier;
      refuse?: (message: ConsumedMessage) => string | undefined;
    } = {},
  ) {
    consumer = new InboxConsumer({
      bus,
      groupId,
      topics,
      pool: db.pool,
      schema: 'trust',
      ...(options.verifier === undefined ? {} : { exchangeSignatures: options.verifier }),
      retryableRefusals: new Set(['CLIENT_UNKNOWN']),
      apply: async (messages) => {
        const refused = messages.filter((message) => options.refuse?.(message) !== undefined);
        applied.push(...messages.filter((message) => !refused.includes(message)));
        return {
          rejected: refused.map((message) => ({
            messageId: message.messageId,
            code: options.refuse?.(message) as string,
            path: 'data',
            reason: 'refused for the test',
          })),
        };
      },
    });
    await consumer.migrate();
    await consumer.start();
  }

  const lettersOf = (groupId: string) => [
    ...new Map(
      letters
        .filter((letter) => letter.data.consumerGroup === groupId)
        .map((letter) => [letter.eventId, letter]),
    ).values(),
  ];
  const appliedIds = (topic: string) =>
    applied.filter((message) => message.topic === topic).map((message) => message.messageId);

  it('parks an unsigned, a forged and a wrong-key exchange message with their codes, books none of them, and applies the signed one', async () => {
    await consume('prices-signed', [EXCHANGE_PRICES_TOPIC], {
      verifier: new ExchangeSignatureVerifier([{ keyId: 'exchange-1', key: exchange.publicKey }]),
    });
    const [unsigned, forged, unknownKey, signed] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const message = (eventId: string): OutboundMessage => ({
      key: 'price-ETH',
      value: JSON.stringify(price(eventId, '3000')),
    });
    await bus.publisher.publish(EXCHANGE_PRICES_TOPIC, [
      message(unsigned),
      signExchangeMessage(
        { keyId: 'exchange-1', key: impostor.privateKey },
        EXCHANGE_PRICES_TOPIC,
        message(forged),
      ),
      signExchangeMessage(
        { keyId: 'exchange-0', key: exchange.privateKey },
        EXCHANGE_PRICES_TOPIC,
        message(unknownKey),
      ),
      signExchangeMessage(signer, EXCHANGE_PRICES_TOPIC, message(signed)),
    ]);
    await waitFor(
      () => appliedIds(EXCHANGE_PRICES_TOPIC).length >= 1 && lettersOf('prices-signed').length >= 3,
      'the signed price applied and three letters',
      WAIT_MS,
    );
    expect(appliedIds(EXCHANGE_PRICES_TOPIC)).toEqual([signed]);
    const codes = Object.fromEntries(
      lettersOf('prices-signed').map((letter) => [
        JSON.parse(Buffer.from(letter.data.originalValueBase64, 'base64').toString()).eventId,
        [letter.data.stage, letter.data.reasonCode],
      ]),
    );
    expect(codes).toEqual({
      [unsigned]: ['validate', 'EXCHANGE_SIGNATURE_MISSING'],
      [forged]: ['validate', 'EXCHANGE_SIGNATURE_INVALID'],
      [unknownKey]: ['validate', 'EXCHANGE_SIGNATURE_KEY_UNKNOWN'],
    });
    // a parked exchange message keeps its signature beside it, so a re-drive verifies again
    const forgedIndex = letters.findIndex(
      (letter) => letter.data.reasonCode === 'EXCHANGE_SIGNATURE_INVALID',
    );
    expect(letterHeaders[forgedIndex]).toMatchObject({
      [`x-original-${EXCHANGE_SIGNATURE_KEY_ID_HEADER}`]: 'exchange-1',
      [`x-original-${EXCHANGE_SIGNATURE_HEADER}`]: expect.any(String),
    });
  });

  it('without a verifier (EXCHANGE_SIGNATURES=off) an unsigned exchange message is applied: the check is what stops it', async () => {
    await consume('prices-unchecked', [EXCHANGE_PRICES_TOPIC]);
    const eventId = randomUUID();
    await bus.publisher.publish(EXCHANGE_PRICES_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(eventId, '3000')) },
    ]);
    await waitFor(
      () => applied.some((message) => message.messageId === eventId),
      'the unsigned price applied',
      WAIT_MS,
    );
  });

  it('parks a second payload under an applied message id as MESSAGE_ID_CONFLICT; a redelivery, or a re-send with another trace, is not a conflict', async () => {
    await consume('ledger-copy', [LEDGER_EVENTS_TOPIC]);
    const taken = randomUUID();
    const original = JSON.stringify(
      price(taken, '3000', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'),
    );
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [{ key: 'price-ETH', value: original }]);
    await waitFor(
      () => appliedIds(LEDGER_EVENTS_TOPIC).includes(taken),
      'the first payload applied',
      WAIT_MS,
    );
    const claim = JSON.stringify(price(taken, '1'));
    const marker = randomUUID();
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value: original }, // redelivery: same bytes
      {
        key: 'price-ETH',
        value: JSON.stringify(
          price(taken, '3000', '00-11111111111111111111111111111111-2222222222222222-01'),
        ),
      }, // same payload, another trace
      { key: 'price-ETH', value: claim }, // the same id with another price
      { key: 'price-ETH', value: JSON.stringify(price(marker, '3001')) },
    ]);
    await waitFor(
      () => appliedIds(LEDGER_EVENTS_TOPIC).includes(marker),
      'the batch after the claim applied',
      WAIT_MS,
    );
    await waitFor(() => lettersOf('ledger-copy').length >= 1, 'the conflict parked', WAIT_MS);
    expect(appliedIds(LEDGER_EVENTS_TOPIC).filter((id) => id === taken)).toHaveLength(1);
    const parked = lettersOf('ledger-copy');
    expect(
      parked.map((letter) => [letter.data.stage, letter.data.reasonCode, letter.data.reasonPath]),
    ).toEqual([['handle', MESSAGE_ID_CONFLICT_CODE, 'eventId']]);
    expect(Buffer.from(parked[0]?.data.originalValueBase64 ?? '', 'base64').toString()).toBe(claim);
    expect(parked[0]?.data.reasonText).toContain(
      payloadDigest(JSON.parse(original)).toString('hex'),
    );
  });

  it('an id is one message per topic: a writer of another topic the group reads cannot claim the id of a future message here', async () => {
    await consume('two-topics', [LEDGER_EVENTS_TOPIC, WALLET_EVENTS_TOPIC]);
    const id = randomUUID();
    // the claim arrives first, on the topic its writer may produce to...
    await bus.publisher.publish(WALLET_EVENTS_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(id, '1')) },
    ]);
    await waitFor(
      () =>
        applied.some(
          (message) => message.messageId === id && message.topic === WALLET_EVENTS_TOPIC,
        ),
      'the claim applied on its own topic',
      WAIT_MS,
    );
    // ...and the real message of that id on the other topic is still applied, not parked as a conflict
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(id, '3000')) },
    ]);
    await waitFor(
      () =>
        applied.some(
          (message) => message.messageId === id && message.topic === LEDGER_EVENTS_TOPIC,
        ),
      'the real message applied',
      WAIT_MS,
    );
    expect(lettersOf('two-topics')).toEqual([]);
  });

  it('an inbox keyed by group and id alone (before ids were per topic) is re-keyed by its next preparation, its rows kept', async () => {
    const legacy = await db.pool.connect();
    try {
      await legacy.query('create schema legacy_inbox');
      await legacy.query(
        `create table legacy_inbox.inbox (consumer_group text not null, message_id text not null, topic text not null, partition integer not null, "offset" bigint not null, primary key (consumer_group, message_id))`,
      );
      await legacy.query(`insert into legacy_inbox.inbox values ('g', 'm-1', $1, 0, 0)`, [
        LEDGER_EVENTS_TOPIC,
      ]);
    } finally {
      legacy.release();
    }
    await migrateInbox(db.pool, 'legacy_inbox');
    const { rows } = await db.pool.query<{ columns: string }>(
      `select string_agg(a.attname, ',' order by k.ordinality) as columns from pg_constraint c, unnest(c.conkey) with ordinality k(attnum, ordinality), pg_attribute a where c.conrelid = 'legacy_inbox.inbox'::regclass and c.contype = 'p' and a.attrelid = c.conrelid and a.attnum = k.attnum`,
    );
    expect(rows[0]?.columns).toBe('consumer_group,topic,message_id');
    expect(
      (await db.pool.query('select count(*)::int as n from legacy_inbox.inbox')).rows[0],
    ).toEqual({ n: 1 });
  });

  it('parks the second of two payloads with one id inside the same batch, and applies the first', async () => {
    await consume('ledger-batch', [LEDGER_EVENTS_TOPIC]);
    const id = randomUUID();
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(id, '3000')) },
      { key: 'price-ETH', value: JSON.stringify(price(id, '2')) },
    ]);
    await waitFor(
      () => lettersOf('ledger-batch').length >= 1,
      'the in-batch conflict parked',
      WAIT_MS,
    );
    const appliedPrice = applied
      .filter((message) => message.messageId === id && message.topic === LEDGER_EVENTS_TOPIC)
      .map((message) => (message.value.data as { price: string }).price);
    expect(appliedPrice).toEqual(['3000']);
    expect(lettersOf('ledger-batch').map((letter) => letter.data.reasonCode)).toEqual([
      MESSAGE_ID_CONFLICT_CODE,
    ]);
  });

  it('a message refused for a retryable cause is tried again when the re-drive puts it back (its cause fixed), and only then; a final refusal stays final', async () => {
    let fixed = false;
    const final = randomUUID();
    await consume('ledger-redrive', [LEDGER_EVENTS_TOPIC], {
      refuse: (message) =>
        message.messageId === final
          ? 'INSUFFICIENT_AVAILABLE_BALANCE'
          : fixed
            ? undefined
            : 'CLIENT_UNKNOWN',
    });
    const id = randomUUID();
    const value = JSON.stringify(price(id, '7'));
    const finalValue = JSON.stringify(price(final, '8'));
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value },
      { key: 'price-ETH', value: finalValue },
    ]);
    await waitFor(() => lettersOf('ledger-redrive').length >= 2, 'both refusals parked', WAIT_MS);
    fixed = true;
    const marker = randomUUID();
    // a plain redelivery of the refused message stays a no-op (the inbox has it)
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value },
      { key: 'price-ETH', value: JSON.stringify(price(marker, '7')) },
    ]);
    await waitFor(
      () => applied.some((message) => message.messageId === marker),
      'the marker applied',
      WAIT_MS,
    );
    expect(applied.some((message) => message.messageId === id)).toBe(false);
    // the re-drive's copy is tried again and applied, once; the final refusal's copy is a no-op
    const redriven = { 'x-redriven-dead-letter': 'letter-1' };
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value, headers: redriven },
      { key: 'price-ETH', value: finalValue, headers: redriven },
    ]);
    await waitFor(
      () => applied.some((message) => message.messageId === id),
      'the re-driven message applied',
      WAIT_MS,
    );
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value, headers: redriven },
    ]);
    const second = randomUUID();
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(second, '7')) },
    ]);
    await waitFor(
      () => applied.some((message) => message.messageId === second),
      'the next message applied',
      WAIT_MS,
    );
    expect(applied.filter((message) => message.messageId === id)).toHaveLength(1);
    expect(
      lettersOf('ledger-redrive').filter(
        (letter) => letter.data.reasonCode === 'INSUFFICIENT_AVAILABLE_BALANCE',
      ),
    ).toHaveLength(1);
  });

  it('an inbox row kept from before digests were recorded cannot be compared: taken as a redelivery', async () => {
    await consume('ledger-legacy', [LEDGER_EVENTS_TOPIC]);
    const id = randomUUID();
    // a row without a digest can no longer be written...
    await expect(
      db.pool.query(
        `insert into trust.inbox (consumer_group, message_id, topic, partition, "offset") values ('ledger-legacy', $1, $2, 0, 0)`,
        [randomUUID(), LEDGER_EVENTS_TOPIC],
      ),
    ).rejects.toThrow(/inbox_payload_sha256_present/);
    // ...so one from before (made here as it was then: without the constraint, which the next preparation puts back NOT VALID)
    const legacy = await db.pool.connect();
    try {
      await legacy.query('begin');
      await legacy.query('alter table trust.inbox drop constraint inbox_payload_sha256_present');
      await legacy.query(
        `insert into trust.inbox (consumer_group, message_id, topic, partition, "offset") values ('ledger-legacy', $1, $2, 0, 0)`,
        [id, LEDGER_EVENTS_TOPIC],
      );
      await legacy.query('commit');
    } finally {
      legacy.release();
    }
    await consumer?.migrate();
    const marker = randomUUID();
    await bus.publisher.publish(LEDGER_EVENTS_TOPIC, [
      { key: 'price-ETH', value: JSON.stringify(price(id, '5')) },
      { key: 'price-ETH', value: JSON.stringify(price(marker, '5')) },
    ]);
    await waitFor(
      () => applied.some((message) => message.messageId === marker),
      'the marker applied',
      WAIT_MS,
    );
    expect(lettersOf('ledger-legacy')).toEqual([]);
    expect(applied.some((message) => message.messageId === id)).toBe(false);
  });
});

export type { InboundMessage };
