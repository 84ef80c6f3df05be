import { callService } from '../api';
import { CommandRefusal, useCommand } from '../command';
import { Loaded, NotAtMoment, Section } from '../components';
import { hasRole, useDashboard, useResource } from '../dashboard-context';
import type { AuditStatusAnswer, Checkpoint, VerifyAnswer } from '../types';

function CheckpointDetails({ checkpoint }: { readonly checkpoint: Checkpoint }) {
  return (
    <dl className="details" id="audit-checkpoint" data-tree-size={checkpoint.treeSize}>
      <div>
        <dt>Records covered</dt>
        <dd>{checkpoint.treeSize}</dd>
      </div>
      <div>
        <dt>Signed at</dt>
        <dd>{checkpoint.at}</dd>
      </div>
      <div>
        <dt>Merkle root</dt>
        <dd>
          <code>{checkpoint.rootHash}</code>
        </dd>
      </div>
      <div>
        <dt>Chain head</dt>
        <dd>
          <code>{checkpoint.chainHead}</code>
        </dd>
      </div>
      <div>
        <dt>Signing key</dt>
        <dd>
          <code>{checkpoint.keyId}</code> (Ed25519)
        </dd>
      </div>
    </dl>
  );
}

function LiveStatus() {
  const { session } = useDashboard();
  const { result } = useResource(
    () => callService<AuditStatusAnswer>(session, 'audit', '/v1/audit/status'),
    'audit-status',
    true,
  );
  return (
    <Loaded result={result}>
      {(status) => (
        <>
          <p id="audit">
            {status.size} records; {status.checkpoints} signed checkpoints
            <br />
            {status.lastCheckpoint === null
              ? 'no checkpoint yet'
              : `latest checkpoint: ${status.lastCheckpoint.treeSize} records, root ${status.lastCheckpoint.rootHash.slice(0, 16)}…, signed ${status.lastCheckpoint.at}`}
          </p>
          {status.lastCheckpoint !== null && (
            <CheckpointDetails checkpoint={status.lastCheckpoint} />
          )}
        </>
      )}
    </Loaded>
  );
}

/** At a past moment: the latest checkpoint signed by then (GET /v1/audit/checkpoints, each with its time); the record's size then is not kept. */
function StatusAt({ instant }: { readonly instant: string }) {
  const { session } = useDashboard();
  const { result } = useResource(
    () =>
      callService<{ checkpoints: readonly Checkpoint[] }>(
        session,
        'audit',
        '/v1/audit/checkpoints',
      ),
    'audit-checkpoints',
    false,
  );
  return (
    <>
      <NotAtMoment what="The record's size" why="the audit service reports only its size now" />
      <Loaded result={result}>
        {({ checkpoints }) => {
          const signed = checkpoints.filter(
            (checkpoint) => Date.parse(checkpoint.at) <= Date.parse(instant),
          );
          const latest = signed.at(-1);
          return (
            <>
              <p id="audit-at">
                {latest === undefined
                  ? `no checkpoint had been signed by ${instant}`
                  : `${signed.length} signed checkpoints by ${instant}; the latest covered ${latest.treeSize} records`}
              </p>
              {latest !== undefined && <CheckpointDetails checkpoint={latest} />}
            </>
          );
        }}
      </Loaded>
    </>
  );
}

/** Walks the whole hash chain (GET /v1/audit/verify): on request, never on a timer. */
function Verify() {
  const { session } = useDashboard();
  const command = useCommand<VerifyAnswer>();
  if (!hasRole(session, 'auditor', 'sre')) return null;
  const outcome =
    command.state.kind === 'done' && command.state.result.ok
      ? command.state.result.body
      : undefined;
  return (
    <div>
      <button
        id="audit-verify"
        type="button"
        disabled={command.state.kind === 'running'}
        onClick={() =>
          void command.run(() => callService<VerifyAnswer>(session, 'audit', '/v1/audit/verify'))
        }
      >
        {command.state.kind === 'running' ? 'Verifying…' : 'Verify the chain now'}
      </button>
      {outcome !== undefined && (
        <p id="audit-verify-result" data-intact={outcome.broken === undefined}>
          {outcome.broken === undefined ? (
            <>
              <span className="ok">intact</span>: {outcome.checked} records checked from the genesis
            </>
          ) : (
            <>
              <span className="bad">BROKEN</span> at record {outcome.broken.position} (
              {outcome.broken.problem}); the {outcome.checked} before it hold
            </>
          )}
        </p>
      )}
      <CommandRefusal state={command.state} />
    </div>
  );
}

export function AuditPage() {
  const { moment } = useDashboard();
  return (
    <Section id="audit" title="Audit record (HK-21, HK-22)">
      {moment.kind === 'live' ? <LiveStatus /> : <StatusAt instant={moment.instant} />}
      <Verify />
    </Section>
  );
}
