import {
  DEAD_LETTER_TOPIC,
  MESSAGE_DEAD_LETTERED_TYPE,
  MESSAGE_DEAD_LETTERED_V2_SCHEMA_VERSION,
  REASON_CODE_PATTERN,
  UPSTREAM_TOPICS,
  validateMessage,
  type DeadLetterStage,
  type DeadLetterV2,
  type Topic,
} from '@custody/contracts';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import { deterministicUuid, parseTraceparent, withSchemaDdl } from '@custody/event-store';
import type { Pool, PoolClient } from 'pg';
import { createHash } from 'node:crypto';
import { exchangeSignatureHeaders, type ExchangeSignatureVerifier } from './exchange-signature';
import type {
  InboundBatch,
  InboundMessage,
  MessageBus,
  MessageHeaders,
  MessageSubscriber,
} from './ports';

export const INBOX_SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,55}$/;
export const REASON_TEXT_MAX = 4_000;
export const REASON_PATH_MAX = 512;
/** A refusal code kept on an inbox row (REASON_CODE_PATTERN allows 64 characters). */
const REASON_CODE_TEXT_MAX = 64;

/** The code of a message whose id the inbox already holds with another payload (stage 'handle'). */
export const MESSAGE_ID_CONFLICT_CODE = 'MESSAGE_ID_CONFLICT';
/** Headers of a parked message's own that its dead letter carries as `x-original-<name>` (re-drive puts them back). */
export const ORIGINAL_HEADER_PREFIX = 'x-original-';
/** The re-drive's mark on a message it put back (redrive.ts). */
export const REDRIVEN_HEADER = 'x-redriven-dead-letter';

const tracer = trace.getTracer('custody.messaging');
/** The exchange's topics: every one of them is signed (a topic added under exchange.* is checked without a list to forget). */
export const EXCHANGE_TOPIC_PREFIX = 'exchange.';
if (!UPSTREAM_TOPICS.every((topic) => topic.startsWith(EXCHANGE_TOPIC_PREFIX)))
  throw new Error('assertion: every upstream topic is an exchange.* topic');

/** A decoded, validated message ready for the handler. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The envelope's eventId: the inbox key. */
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: {
    readonly eventId: string;
    readonly type: string;
    readonly data: unknown;
  } & Record<string, unknown>;
  /** The message as it arrived (for a dead letter if the handler refuses it). */
  readonly raw: InboundMessage;
}

/** A well-formed message the handler refuses (bad business input): parked with this reason, its inbox row kept. */
export interface Rejection {
  readonly messageId: string;
  /** The handler's stable code, upper snake case (TRADE_ID_CONFLICT). */
  readonly code: string;
  /** The field at fault, dotted from the message root ('' for the whole message). */
  readonly path: string;
  readonly reason: string;
}

/** What `apply` may report: the messages it refused and did NOT apply. */
export interface ApplyOutcome {
  readonly rejected: readonly Rejection[];
}

export interface InboxConsumerOptions {
  readonly bus: MessageBus;
  readonly groupId: string;
  readonly topics: readonly Topic[];
  readonly pool: Pool;
  /** PostgreSQL schema holding this consumer's inbox table (the service's own schema). */
  readonly schema: string;
  /**
   * Applies new messages (never one already in the inbox) inside the batch's transaction. A
   * message it refuses (and leaves without effect) is returned in `rejected`: it is parked in
   * custody.deadletter.v1 (MessageDeadLettered v2, stage 'handle') before the commit, and its
   * inbox row stays; a refusal with a code of `retryableRefusals` is recorded, so the same
   * message put back by the re-drive (once the cause is fixed) is handed to it again.
   */
  readonly apply: (
    messages: readonly ConsumedMessage[],
    client: PoolClient,
  ) => Promise<void | ApplyOutcome>;
  /** A failed attempt of a batch (it is retried after a backoff). */
  readonly onError?: (error: unknown, attempt: number) => void;
  /** The bus client failed and is restarted after a backoff (number `restart` in a row). */
  readonly onRestart?: (error: unknown, restart: number) => void;
  /** Dead letters Kafka has accepted (a batch retried after a failure may park its letters again). */
  readonly onParked?: (letters: readonly DeadLetterV2[]) => void;
  readonly now?: () => Date;
  /**
   * The exchange's public keys: every message of an exchange.* topic must carry a valid
   * signature by one of them, or it is parked (stage 'validate', EXCHANGE_SIGNATURE_*) before
   * it is even parsed. Undefined: exchange messages are not checked (tests of other concerns,
   * a deployment that chose EXCHANGE_SIGNATURES=off).
   */
  readonly exchangeSignatures?: ExchangeSignatureVerifier;
  /**
   * Refusal codes whose cause can be fixed without the sender asking again (an unknown client
   * onboarded since, a wallet registered since): a message refused with one of them and put back
   * by the re-drive is handed to `apply` again. Any other refusal stays final: a re-driven copy is
   * a redelivery, a no-op (a withdrawal refused for its cooling-off must not go out days later
   * because someone re-drove the topic for another reason). None by default.
   */
  readonly retryableRefusals?: ReadonlySet<string>;
}

/** A dead letter with the Kafka headers its record carries (the original's signature, for re-drive). */
interface ParkedLetter {
  readonly letter: DeadLetterV2;
  readonly headers: MessageHeaders;
}

/**
 * A consumer group whose effects are exactly-once over at-least-once delivery: each batch is
 * applied in ONE database transaction together with inbox rows of the consumed message ids,
 * so a redelivered message changes nothing; the bus commits the group's position only after
 * that commit. A message that cannot be decoded or validated is parked in
 * custody.deadletter.v1 with its original bytes, topic, partition, offset and reason, and the
 * batch moves on. A handler error rolls the batch back and the same batch is retried after a
 * backoff: never skipped. Works over any MessageBus (Kafka or in-process).
 */
export class InboxConsumer {
  private readonly subscriber: MessageSubscriber;
  private readonly now: () => Date;

  constructor(private readonly options: InboxConsumerOptions) {
    if (!INBOX_SCHEMA_PATTERN.test(options.schema))
      throw new Error(`assertion: inbox schema '${options.schema}' is not a plain identifier`);
    this.subscriber = options.bus.subscriber(options.groupId, options.topics, {
      ...(options.onError === undefined
        ? {}
        : { onError: (error: unknown, attempt: number) => options.onError?.(error, attempt) }),
      ...(options.onRestart === undefined ? {} : { onRestart: options.onRestart }),
    });
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Creates the inbox table. Members of a group start at once (replicas, a rollout): the DDL is
   * serialised on a lock named by the schema, the one the event store's DDL takes, because
   * concurrent `create ... if not exists` of one name can fail in PostgreSQL.
   */
  async migrate(): Promise<void> {
    await migrateInbox(this.options.pool, this.options.schema);
  }

  start(): Promise<void> {
    return this.subscriber.start((batch) => this.handleBatch(batch));
  }

  stop(): Promise<void> {
    return this.subscriber.stop();
  }

  private async handleBatch(batch: InboundBatch): Promise<void> {
    const valid: ConsumedMessage[] = [];
    const dead: ParkedLetter[] = [];
    for (const message of batch.messages) {
      const decoded = this.decode(batch.topic as Topic, batch.partition, message);
      if ('deadLetter' in decoded) dead.push(decoded.deadLetter);
      else valid.push(decoded.message);
    }
    // Dead letters first: if parking fails, the batch is retried, nothing is lost.
    await this.park(dead);
    await this.applyOnce(valid);
  }

  private async park(parked: readonly ParkedLetter[]): Promise<void> {
    if (parked.length === 0) return;
    await this.options.bus.publisher.publish(
      DEAD_LETTER_TOPIC,
      parked.map(({ letter, headers }) => ({
        key: letter.data.originalTopic,
        value: JSON.stringify(letter),
        headers,
      })),
    );
    this.options.onParked?.(parked.map(({ letter }) => letter));
  }

  /** The handler's refusals as dead letters; a refusal of a message it was not given is a programmer error. */
  private refusals(
    outcome: void | ApplyOutcome,
    applied: readonly ConsumedMessage[],
  ): ParkedLetter[] {
    if (outcome === undefined || outcome.rejected.length === 0) return [];
    const byId = new Map(applied.map((message) => [message.messageId, message]));
    return outcome.rejected.map((rejection) => {
      const message = byId.get(rejection.messageId);
      if (message === undefined)
        throw new Error(
          `assertion: the handler refused message ${rejection.messageId}, which it was not given`,
        );
      const code = REASON_CODE_PATTERN.test(rejection.code) ? rejection.code : 'HANDLER_REFUSED';
      return this.deadLetter(
        message.topic,
        message.partition,
        message.raw,
        'handle',
        code,
        rejection.path,
        rejection.reason,
      );
    });
  }

  /**
   * One transaction: inbox rows first (with each message's payload digest); only messages whose
   * row is new reach the handler. Ids are per topic. A message whose id the inbox already holds for its topic (or an earlier
   * message of the batch carries) with ANOTHER digest is not a redelivery but a second message
   * claiming the id: it is parked as MESSAGE_ID_CONFLICT, never silently dropped.
   */
  private async applyOnce(messages: readonly ConsumedMessage[]): Promise<void> {
    const batchTopic = messages[0]?.topic;
    if (batchTopic === undefined) return;
    if (messages.some((message) => message.topic !== batchTopic))
      throw new Error("assertion: a batch is one topic's");
    const client = await this.options.pool.connect();
    const spans = messages.map((message) => this.processSpan(message));
    const digests = messages.map((message) => payloadDigest(message.value));
    try {
      await client.query('begin');
      const inserted = await client.query<{ message_id: string }>(
        `insert into ${this.options.schema}.inbox (message_id, topic, partition, "offset", consumer_group, payload_sha256)
           select * from unnest($1::text[], $2::text[], $3::int4[], $4::int8[], $5::text[], $6::bytea[])
         on conflict (consumer_group, topic, message_id) do nothing returning message_id`,
        [
          messages.map((message) => message.messageId),
          messages.map((message) => message.topic),
          messages.map((message) => message.partition),
          messages.map((message) => message.offset),
          messages.map(() => this.options.groupId),
          digests,
        ],
      );
      const fresh = new Set(inserted.rows.map((row) => row.message_id));
      const { conflicts, retried } = await this.repeats(
        client,
        batchTopic,
        messages,
        digests,
        fresh,
      );
      const seen = new Set<string>();
      const toApply = messages.filter(
        (message) =>
          (fresh.has(message.messageId) || retried.has(message)) &&
          !seen.has(message.messageId) &&
          seen.add(message.messageId),
      );
      let parked: ParkedLetter[] = conflicts;
      if (toApply.length > 0) {
        const spanOf = new Map(
          messages.map((message, index) => [message.messageId, spans[index] as Span]),
        );
        const handlerSpans = toApply.map((message) => spanOf.get(message.messageId) as Span);
        const outcome = await this.inHandlerContext(handlerSpans, () =>
          this.options.apply(toApply, client),
        );
        const refused = this.refusals(outcome, toApply);
        await this.markRefused(client, batchTopic, outcome);
        parked = [...conflicts, ...refused];
      }
      // Parked before the commit: if parking fails the batch rolls back and comes again.
      await this.park(parked);
      await client.query('commit');
      spans.forEach((span, index) =>
        span.setAttribute('custody.inbox.duplicate', !fresh.has(messages[index]?.messageId ?? '')),
      );
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      for (const span of spans)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      client.release();
      for (const span of spans) span.end();
    }
  }

  /**
   * What the batch's repeated ids are. A message whose id the inbox already holds (an earlier
   * batch) or an earlier message of this batch carries, with ANOTHER digest, claims an id taken
   * by another payload: a conflict, parked. The same payload again is a redelivery, a no-op,
   * unless the handler refused it the first time (a row of inbox_refusals) and it comes back by
   * the re-drive (its x-redriven-dead-letter header): then it is tried again, its refusal taken
   * off (one replica wins the delete). The header proves nothing and needs not: the payload is
   * the one refused before, by digest. A row without a digest (kept from before digests were
   * recorded) cannot be compared and is taken as a redelivery, as before. The inbox itself is
   * history (append-only): nothing here updates it.
   */
  private async repeats(
    client: PoolClient,
    topic: string,
    messages: readonly ConsumedMessage[],
    digests: readonly Buffer[],
    fresh: ReadonlySet<string>,
  ): Promise<{ conflicts: ParkedLetter[]; retried: ReadonlySet<ConsumedMessage> }> {
    const held = new Map<string, { digest: Buffer | null; where: string }>();
    const repeated = [
      ...new Set(
        messages
          .filter((message) => !fresh.has(message.messageId))
          .map((message) => message.messageId),
      ),
    ];
    if (repeated.length > 0) {
      const rows = await client.query<{
        message_id: string;
        payload_sha256: Buffer | null;
        topic: string;
        partition: number;
        offset: string;
      }>(
        `select message_id, payload_sha256, topic, partition, "offset"::text as "offset" from ${this.options.schema}.inbox where consumer_group = $1 and topic = $2 and message_id = any($3::text[])`,
        [this.options.groupId, topic, repeated],
      );
      for (const row of rows.rows)
        held.set(row.message_id, {
          digest: row.payload_sha256,
          where: `${row.topic}/${row.partition}@${row.offset}`,
        });
    }
    const conflicts: ParkedLetter[] = [];
    const redriven = new Map<string, ConsumedMessage>();
    messages.forEach((message, index) => {
      const digest = digests[index] as Buffer;
      const first = held.get(message.messageId);
      if (first === undefined) {
        held.set(message.messageId, {
          digest,
          where: `${message.topic}/${message.partition}@${message.offset}`,
        });
        return;
      }
      if (first.digest !== null && !first.digest.equals(digest)) {
        const reason = `message id ${message.messageId} was already taken by another payload (${first.where}, sha256 ${first.digest.toString('hex')}); this one has sha256 ${digest.toString('hex')}: not applied`;
        conflicts.push(
          this.deadLetter(
            message.topic,
            message.partition,
            message.raw,
            'handle',
            MESSAGE_ID_CONFLICT_CODE,
            'eventId',
            reason,
          ),
        );
        return;
      }
      if (
        !fresh.has(message.messageId) &&
        message.headers[REDRIVEN_HEADER] !== undefined &&
        !redriven.has(message.messageId)
      )
        redriven.set(message.messageId, message);
    });
    if (redriven.size === 0) return { conflicts, retried: new Set() };
    const taken = await client.query<{ message_id: string }>(
      `delete from ${this.options.schema}.inbox_refusals where consumer_group = $1 and topic = $2 and message_id = any($3::text[]) returning message_id`,
      [this.options.groupId, topic, [...redriven.keys()]],
    );
    return {
      conflicts,
      retried: new Set(taken.rows.map((row) => redriven.get(row.message_id) as ConsumedMessage)),
    };
  }

  /** Records the messages the handler refused for a retryable cause, so the same message put back by the re-drive is tried again. */
  private async markRefused(
    client: PoolClient,
    topic: string,
    outcome: void | ApplyOutcome,
  ): Promise<void> {
    const retryable = this.options.retryableRefusals;
    const rejected =
      outcome === undefined || retryable === undefined
        ? []
        : outcome.rejected.filter((rejection) => retryable.has(rejection.code));
    if (rejected.length === 0) return;
    await client.query(
      `insert into ${this.options.schema}.inbox_refusals (consumer_group, topic, message_id, code)
         select $1, $2, message_id, code from unnest($3::text[], $4::text[]) as refused (message_id, code)
       on conflict (consumer_group, topic, message_id) do update set code = excluded.code`,
      [
        this.options.groupId,
        topic,
        rejected.map((rejection) => rejection.messageId),
        rejected.map((rejection) => rejection.code.slice(0, REASON_CODE_TEXT_MAX)),
      ],
    );
  }

  /**
   * Runs the handler where what it does (its own appends, calls) continues the messages' trace:
   * inside the message's span when the batch is one trace (a single command's effects), else
   * inside a batch span linked to every message's span (OpenTelemetry's batch processing shape).
   */
  private async inHandlerContext<T>(spans: readonly Span[], work: () => Promise<T>): Promise<T> {
    const first = spans[0] as Span;
    const oneTrace = spans.every(
      (span) => span.spanContext().traceId === first.spanContext().traceId,
    );
    if (oneTrace) return context.with(trace.setSpan(ROOT_CONTEXT, first), work);
    const batchSpan = tracer.startSpan(
      `${this.options.groupId} process batch`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'custody',
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.batch.message_count': spans.length,
        },
        links: spans.map((span) => ({ context: span.spanContext() })),
      },
      ROOT_CONTEXT,
    );
    try {
      return await context.with(trace.setSpan(ROOT_CONTEXT, batchSpan), work);
    } catch (error) {
      batchSpan.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      batchSpan.end();
    }
  }

  /** A consumer span continuing the producer's trace (W3C traceparent header, else the envelope's). */
  private processSpan(message: ConsumedMessage): Span {
    const envelopeContext = message.value['traceContext'] as
      { traceparent?: string; tracestate?: string } | undefined;
    const parent =
      parseTraceparent(message.headers['traceparent'], message.headers['tracestate']) ??
      parseTraceparent(envelopeContext?.traceparent, envelopeContext?.tracestate);
    return tracer.startSpan(
      `${message.topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'custody',
          'messaging.destination.name': message.topic,
          'messaging.consumer.group.name': this.options.groupId,
          'messaging.message.id': message.messageId,
        },
      },
      parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, parent),
    );
  }

  private decode(
    topic: Topic,
    partition: number,
    message: InboundMessage,
  ): { message: ConsumedMessage } | { deadLetter: ParkedLetter } {
    const verifier = this.options.exchangeSignatures;
    if (verifier !== undefined && topic.startsWith(EXCHANGE_TOPIC_PREFIX)) {
      // authenticated before a byte of it is parsed
      const signature = verifier.check(topic, message);
      if (!signature.ok)
        return {
          deadLetter: this.deadLetter(
            topic,
            partition,
            message,
            'validate',
            signature.code,
            signature.path,
            signature.reason,
          ),
        };
    }
    const bytes = message.value;
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes))
      return {
        deadLetter: this.deadLetter(
          topic,
          partition,
          message,
          'decode',
          'NOT_UTF8',
          '',
          'the value is not UTF-8',
        ),
      };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return {
        deadLetter: this.deadLetter(
          topic,
          partition,
          message,
          'decode',
          'NOT_JSON',
          '',
          `the value is not JSON: ${(error as Error).message}`,
        ),
      };
    }
    const result = validateMessage(topic, value);
    if (!result.ok) {
      const first = result.issues[0];
      const reasonText = result.issues.map((issue) => `${issue.path}: ${issue.reason}`).join('; ');
      return {
        deadLetter: this.deadLetter(
          topic,
          partition,
          message,
          'validate',
          first?.code ?? 'INVALID_VALUE',
          first?.path ?? '',
          reasonText,
        ),
      };
    }
    const envelope = result.message as unknown as ConsumedMessage['value'];
    return {
      message: {
        topic,
        partition,
        offset: message.offset,
        messageId: envelope.eventId,
        headers: message.headers,
        value: envelope,
        raw: message,
      },
    };
  }

  private deadLetter(
    topic: string,
    partition: number,
    message: InboundMessage,
    stage: DeadLetterStage,
    reasonCode: string,
    reasonPath: string,
    reasonText: string,
  ): ParkedLetter {
    const failedAt = this.now().toISOString();
    // The same message dead-lettered again (a batch handled twice) gets the same id and stream.
    const id = deterministicUuid(`${topic}\u0000${partition}\u0000${message.offset}`);
    const letter: DeadLetterV2 = {
      eventId: id,
      type: MESSAGE_DEAD_LETTERED_TYPE,
      schemaVersion: MESSAGE_DEAD_LETTERED_V2_SCHEMA_VERSION,
      streamId: `deadletter:${topic}:${partition}:${message.offset}`,
      streamVersion: '1',
      occurredAt: failedAt,
      causationId: null,
      correlationId: id,
      data: {
        originalTopic: topic,
        partition,
        offset: message.offset,
        keyBase64: message.key === null ? null : message.key.toString('base64'),
        originalValueBase64: message.value.toString('base64'),
        stage,
        reasonCode,
        reasonPath: reasonPath.slice(0, REASON_PATH_MAX),
        reasonText: reasonText.slice(0, REASON_TEXT_MAX),
        consumerGroup: this.options.groupId,
        failedAt,
      },
    };
    // the exchange's signature travels with the letter, so a re-driven message verifies again
    const headers = Object.fromEntries(
      Object.entries(exchangeSignatureHeaders(message.headers)).map(([name, value]) => [
        `${ORIGINAL_HEADER_PREFIX}${name}`,
        value,
      ]),
    );
    return { letter, headers };
  }
}

/**
 * What "the same message" means to the inbox: SHA-256 of the envelope in canonical JSON (keys
 * sorted), without its trace context (a re-sent message may carry another trace). A redelivery
 * or a re-drive has the same digest; another payload under the same id does not.
 */
export function payloadDigest(envelope: Readonly<Record<string, unknown>>): Buffer {
  const { traceContext: _traceContext, ...payload } = envelope;
  return createHash('sha256').update(canonicalJson(payload)).digest();
}

function canonicalJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

export { deterministicUuid };

/**
 * The inbox table of a service's schema (what InboxConsumer.migrate() runs), also for a service
 * that prepares its schemas without consuming (a migration Job, no Kafka configured).
 */
export async function migrateInbox(pool: Pool, schema: string): Promise<void> {
  await withSchemaDdl(pool, schema, async (client) => {
    await client.query(`create schema if not exists ${schema};
      create table if not exists ${schema}.inbox (
        consumer_group text not null,
        message_id text not null,
        topic text not null,
        partition integer not null,
        "offset" bigint not null,
        primary key (consumer_group, topic, message_id)
      );
      -- an id is one message per topic (each topic has its own producer): a writer of one topic the
      -- group reads cannot claim the id of another topic's future message (an inbox from before: re-keyed)
      do $$ declare current_key name; begin
        select conname into current_key from pg_constraint where conrelid = '${schema}.inbox'::regclass and contype = 'p' and array_length(conkey, 1) = 2;
        if current_key is not null then
          execute format('alter table ${schema}.inbox drop constraint %I', current_key);
          alter table ${schema}.inbox add primary key (consumer_group, topic, message_id);
        end if;
      end $$;
      alter table ${schema}.inbox add column if not exists payload_sha256 bytea;
      -- rows from before digests are kept as they are (NOT VALID); no new row may lack one (a row
      -- without a digest cannot be compared, so it would let a claimed id swallow the real message)
      do $$ begin
        if not exists (select 1 from pg_constraint where conname = 'inbox_payload_sha256_present' and conrelid = '${schema}.inbox'::regclass) then
          alter table ${schema}.inbox add constraint inbox_payload_sha256_present check (payload_sha256 is not null) not valid;
        end if;
      end $$;
      -- the messages a handler refused (not history: a re-drive takes a row off when it tries again)
      create table if not exists ${schema}.inbox_refusals (
        consumer_group text not null,
        topic text not null,
        message_id text not null,
        code text not null,
        primary key (consumer_group, topic, message_id)
      )`);
  });
}
