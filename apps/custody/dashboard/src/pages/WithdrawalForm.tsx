import { useState, type FormEvent } from 'react';
import { callService } from '../api';
import { CommandRefusal, newIdentifier, useCommand } from '../command';
import { Problem } from '../components';
import { useDashboard, useResource } from '../dashboard-context';
import { ASSET_DECIMALS, parseAmount } from '../format';
import type { AllowListAnswer, WithdrawalView } from '../types';

const OTHER_ADDRESS = 'other';

function destinationKey(entry: { readonly chain: string; readonly address: string }): string {
  return `${entry.chain}:${entry.address}`;
}

/**
 * An operator requests a client withdrawal (POST /v1/withdrawals): to one of the client's
 * allow-listed addresses (GET /v1/clients/:clientId/allow-list), or to another address, which the
 * wallet service refuses with its code (the allow-list is its rule, not the page's).
 */
export function WithdrawalForm({
  onRequested,
}: {
  readonly onRequested: (withdrawalId: string) => void;
}) {
  const { session } = useDashboard();
  const [withdrawalId, setWithdrawalId] = useState(() => newIdentifier('wd'));
  const [clientId, setClientId] = useState('sim-0001');
  const [asset, setAsset] = useState('ETH');
  const [amount, setAmount] = useState('');
  const [destination, setDestination] = useState('');
  const [chain, setChain] = useState('ethereum');
  const [address, setAddress] = useState('');
  const allowList = useResource(
    clientId.trim() === ''
      ? null
      : () =>
          callService<AllowListAnswer>(
            session,
            'wallet',
            `/v1/clients/${encodeURIComponent(clientId.trim())}/allow-list`,
          ),
    `allow-list/${clientId.trim()}`,
    false,
  );
  const addresses = allowList.result?.ok === true ? allowList.result.body.addresses : [];
  // chosen by the address itself (not its place in the list), and only from the list shown for this client
  const chosen =
    destination === OTHER_ADDRESS
      ? { chain, address }
      : addresses.find((entry) => destinationKey(entry) === destination);
  const parsed = parseAmount(amount, asset);
  const command = useCommand<WithdrawalView>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.ok || chosen === undefined) return;
    const body = {
      withdrawalId,
      clientId: clientId.trim(),
      asset,
      amountMinor: parsed.minor,
      chain: chosen.chain,
      destinationAddress: chosen.address,
    };
    const result = await command.run(() =>
      callService<WithdrawalView>(session, 'wallet', '/v1/withdrawals', body),
    );
    if (result.ok) {
      onRequested(withdrawalId);
      setWithdrawalId(newIdentifier('wd'));
    }
  };
  return (
    <form id="withdrawal-form" className="stacked" onSubmit={(event) => void submit(event)}>
      <div className="row">
        <label>
          Withdrawal id{' '}
          <input
            id="withdrawal-id"
            required
            maxLength={128}
            value={withdrawalId}
            onChange={(event) => setWithdrawalId(event.target.value)}
          />
        </label>
        <label>
          Client{' '}
          <input
            id="withdrawal-client"
            required
            maxLength={128}
            value={clientId}
            onChange={(event) => {
              setClientId(event.target.value);
              setDestination(''); // another client's addresses: choose again
            }}
          />
        </label>
        <label>
          Asset
          <select
            id="withdrawal-asset"
            value={asset}
            onChange={(event) => setAsset(event.target.value)}
          >
            {Object.keys(ASSET_DECIMALS).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Amount{' '}
          <input
            id="withdrawal-amount"
            required
            inputMode="decimal"
            placeholder="0.5"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
          />
        </label>
      </div>
      <p className="muted" id="withdrawal-amount-minor">
        {amount === '' ? '' : parsed.ok ? `${parsed.minor} minor units` : parsed.reason}
      </p>
      <label>
        Destination
        <select
          id="withdrawal-destination"
          required
          value={destination}
          onChange={(event) => setDestination(event.target.value)}
        >
          <option value="">
            {addresses.length === 0
              ? 'no allow-listed address loaded'
              : 'choose an allow-listed address'}
          </option>
          {addresses.map((entry) => (
            <option
              key={destinationKey(entry)}
              value={destinationKey(entry)}
              data-address={entry.address}
            >
              {entry.chain} {entry.address} (proven {entry.provenAt})
            </option>
          ))}
          <option value={OTHER_ADDRESS}>
            another address (the wallet service checks the allow-list)
          </option>
        </select>
      </label>
      {allowList.result?.ok === false && <Problem refusal={allowList.result} />}
      {destination === OTHER_ADDRESS && (
        <div className="row">
          <label>
            Chain{' '}
            <input
              id="withdrawal-chain"
              required
              value={chain}
              onChange={(event) => setChain(event.target.value)}
            />
          </label>
          <label>
            Address{' '}
            <input
              id="withdrawal-address"
              required
              pattern="0x[0-9a-fA-F]{40}"
              size={44}
              value={address}
              onChange={(event) => setAddress(event.target.value)}
            />
          </label>
        </div>
      )}
      <button
        id="withdrawal-submit"
        type="submit"
        disabled={command.state.kind === 'running' || !parsed.ok || chosen === undefined}
      >
        Request withdrawal
      </button>
      {command.state.kind === 'done' && command.state.result.ok && (
        <p
          id="withdrawal-result"
          className="ok"
          data-withdrawal-id={command.state.result.body.request.withdrawalId}
        >
          Requested {command.state.result.body.request.withdrawalId}:{' '}
          {command.state.result.body.status}
        </p>
      )}
      <CommandRefusal state={command.state} id="withdrawal-error" />
    </form>
  );
}
