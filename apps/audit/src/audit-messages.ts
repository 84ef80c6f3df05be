import { Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { AppendToRecord } from '@custody/audit-application';
import { ALL_TOPICS, AUDIT_EVENTS_TOPIC } from '@custody/contracts';
import {
  inboxTransportProvider,
  InboxContext,
  MessageController,
  type InboxBatch,
  type InboxHandlerResult,
} from '@custody/service-host';
import { AuditTables } from './host/audit-tables';

export const AUDIT_CONSUMER_GROUP = 'audit';
/** Every topic but the audit's own (its checkpoints are in its record already). */
export const AUDITED_TOPICS = ALL_TOPICS.filter((topic) => topic !== AUDIT_EVENTS_TOPIC);

/** Every message of every other topic, appended to the hash-chained audit record (HK-22). */
@MessageController()
export class AuditMessagesController {
  constructor(@Inject(AppendToRecord) private readonly appending: AppendToRecord) {}

  @EventPattern([...AUDITED_TOPICS])
  record(@Payload() batch: InboxBatch, @Ctx() context: InboxContext): InboxHandlerResult {
    return this.appending.append(batch, context.transaction);
  }
}

/** The audit's inbox transport: consumes once the record's tables exist. */
export const AUDIT_INBOX_TRANSPORT = inboxTransportProvider({
  name: 'audit consumer',
  groupId: AUDIT_CONSUMER_GROUP,
  inject: [AuditTables],
  ready: (tables: AuditTables) => tables.prepared,
});
