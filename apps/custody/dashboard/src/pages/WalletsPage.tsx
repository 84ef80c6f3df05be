import { callService } from '../api';
import { Loaded, NotAtMoment, Section, Verdict } from '../components';
import { coldHotView, ratioAsPercent } from '../compliance';
import { useDashboard, useResource } from '../dashboard-context';
import { formatMinor } from '../format';
import { atQuery } from '../moment';
import { useReconstructedState } from '../reconstruction';
import type { ComplianceAnswer, WalletView } from '../types';
import { ColdHotChart } from './ColdHotChart';

/** The policy service's compliance answer (rules and open breaches), now or as at the moment chosen. */
export function useCompliance() {
  const { session, moment } = useDashboard();
  const query = atQuery(moment);
  return useResource(
    () => callService<ComplianceAnswer>(session, 'policy', `/v1/compliance${query}`),
    `compliance${query}`,
    moment.kind === 'live',
  );
}

export function ComplianceCaption({ compliance }: { readonly compliance: ComplianceAnswer }) {
  const { moment } = useDashboard();
  return (
    <p
      className="muted compliance-caption"
      data-testid="compliance-caption"
      data-as-of={compliance.asOf}
    >
      Policy service {moment.kind === 'live' ? 'now' : 'as at the chosen moment'}: evaluated as of{' '}
      {compliance.asOf}, policy version {compliance.policyVersion} (
      {compliance.policySource === 'default'
        ? "the texts' defaults: no version approved yet"
        : 'approved by maker-checker'}
      )
    </p>
  );
}

function ColdHot({ compliance }: { readonly compliance: ComplianceAnswer }) {
  const view = coldHotView(compliance.results);
  return (
    <>
      <ComplianceCaption compliance={compliance} />
      {view.rows.length === 0 ? (
        <p className="muted" id="cold-hot-empty">
          No client-segregated wallet holdings are recorded by the policy service{' '}
          {compliance.asOf === '' ? '' : `as of ${compliance.asOf}`}: nothing to chart.
        </p>
      ) : (
        <ColdHotChart view={view} />
      )}
      {view.tw3 !== undefined && (
        <p id="tw3-verdict">
          TW-3 (minimum {view.twMinimum === undefined ? '?' : ratioAsPercent(view.twMinimum)} per
          asset by quantity, or{' '}
          {typeof view.tw3.inputs['valueMinimum'] === 'string'
            ? ratioAsPercent(view.tw3.inputs['valueMinimum'])
            : '?'}{' '}
          of all value): <Verdict verdict={view.tw3.verdict} /> {view.tw3.reason}
        </p>
      )}
      <table id="cold-hot">
        <thead>
          <tr>
            <th>Asset</th>
            <th className="num">Cold</th>
            <th className="num">Hot</th>
            <th>Cold share</th>
            <th>HK-11g</th>
            <th>Rebalancing</th>
          </tr>
        </thead>
        <tbody>
          {view.rows.map((row) => (
            <tr key={row.asset} data-asset={row.asset}>
              <td>{row.asset}</td>
              <td className="num">{formatMinor(row.coldMinor, row.asset)}</td>
              <td className="num">{formatMinor(row.hotMinor, row.asset)}</td>
              <td>{row.coldShare ?? '—'}</td>
              <td>
                {row.hk === undefined ? (
                  'not applied'
                ) : (
                  <>
                    <Verdict verdict={row.hk.verdict} /> {row.hk.reason}
                  </>
                )}
              </td>
              <td>
                {(row.hk?.rebalancing ?? [])
                  .map(
                    (move) =>
                      `${move.direction} ${formatMinor(move.amountMinor, move.asset)} ${move.asset}`,
                  )
                  .join('; ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function WalletList() {
  const { session, moment } = useDashboard();
  const live = moment.kind === 'live';
  const { result } = useResource(
    live
      ? () => callService<{ wallets: readonly WalletView[] }>(session, 'wallet', '/v1/wallets')
      : null,
    'wallets',
    true,
  );
  if (!live) return <ReconstructedWallets />;
  return (
    <Loaded result={result}>
      {({ wallets }) => (
        <table id="wallets">
          <thead>
            <tr>
              <th>Wallet</th>
              <th>Tier</th>
              <th>Owner</th>
              <th>Chain</th>
              <th>Assets</th>
              <th>Address</th>
              <th>Key site</th>
              <th>Rotation due</th>
              <th>Quorum</th>
            </tr>
          </thead>
          <tbody>
            {wallets.map((wallet) => (
              <tr
                key={wallet.registration.walletId}
                data-wallet-id={wallet.registration.walletId}
                data-tier={wallet.registration.tier}
              >
                <td>{wallet.registration.walletId}</td>
                <td>{wallet.registration.tier}</td>
                <td>{wallet.registration.ownerClass}</td>
                <td>{wallet.registration.chain}</td>
                <td>{wallet.registration.assets.join(', ')}</td>
                <td>
                  <code>{wallet.registration.address}</code>
                </td>
                <td>
                  {wallet.registration.key.location.site} (
                  {wallet.registration.key.location.jurisdiction})
                </td>
                <td>{wallet.registration.key.rotationDueAt}</td>
                <td>
                  {wallet.quorum.required}
                  {wallet.quorum.spanDepartmentsOrSites ? ', across departments or sites' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Loaded>
  );
}

/** At a past moment the wallet service cannot answer; the audit record can (auditors only): its reconstruction. */
function ReconstructedWallets() {
  const { auditor, result } = useReconstructedState();
  if (!auditor)
    return (
      <NotAtMoment
        what="The wallet list"
        why="the wallet service answers only for now (an auditor sees it reconstructed from the audit record)"
      />
    );
  return (
    <Loaded result={result}>
      {(state) => (
        <>
          <p className="muted" id="wallets-reconstructed">
            As reconstructed from the audit record at {state.at} (HK-22): registered wallets and
            their keys.
          </p>
          <table id="wallets">
            <thead>
              <tr>
                <th>Wallet</th>
                <th>Tier</th>
                <th>Owner</th>
                <th>Key</th>
              </tr>
            </thead>
            <tbody>
              {state.wallets.map((wallet) => (
                <tr key={wallet.walletId} data-wallet-id={wallet.walletId} data-tier={wallet.tier}>
                  <td>{wallet.walletId}</td>
                  <td>{wallet.tier}</td>
                  <td>{wallet.ownerClass}</td>
                  <td>{wallet.keyId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Loaded>
  );
}

export function WalletsPage() {
  const { result } = useCompliance();
  return (
    <>
      <Section id="cold-hot" title="Cold and hot client holdings per asset (TW-3, HK-11g)">
        <Loaded result={result}>{(compliance) => <ColdHot compliance={compliance} />}</Loaded>
      </Section>
      <Section id="wallets" title="Wallets">
        <WalletList />
      </Section>
    </>
  );
}
