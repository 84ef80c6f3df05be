import {
  decideRoster,
  type Custodian,
  type KeyAccessAction,
  type RosterEvent,
  type RosterState,
} from '@custody/wallet-domain';
import type { Executed } from '../shared/event-sourced';
import { instantOf, type WalletContext } from '../shared/wallet-context';
import { ROSTER_AGGREGATE, ROSTER_STREAM_ID } from '../shared/wallet-streams';
import type { WalletFacts } from '../wallets/wallet-facts';

type RosterExecuted = Executed<RosterState, RosterEvent>;

export interface KeyAccessChange {
  readonly changeId: string;
  readonly custodianId: string;
  readonly walletId: string;
  readonly action: KeyAccessAction;
  readonly reason: string;
}

/** TW-18: a custodian joins the roster (maker-checker applies to their key access, not to their entry). */
export class RegisterCustodian {
  constructor(private readonly context: WalletContext) {}

  execute(custodian: Custodian, actor: string): Promise<RosterExecuted> {
    const at = instantOf(this.context);
    return this.context.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster({ type: 'RegisterCustodian', custodian, registeredBy: actor, at }, state, {
          walletRegistered: false,
        }),
      { actor },
    );
  }
}

/** TW-18 / HK-11c: an admin asks for a grant or revocation of access to a registered wallet's key. */
export class RequestKeyAccessChange {
  constructor(
    private readonly context: WalletContext,
    private readonly wallets: WalletFacts,
  ) {}

  async execute(change: KeyAccessChange, actor: string): Promise<RosterExecuted> {
    const at = instantOf(this.context);
    const walletRegistered = (await this.wallets.wallet(change.walletId)) !== undefined;
    return this.context.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster({ type: 'RequestKeyAccessChange', ...change, requestedBy: actor, at }, state, {
          walletRegistered,
        }),
      { actor },
    );
  }
}

/** TW-18 / HK-11c: an approver (never who asked, never the custodian concerned) decides a change. */
export class DecideKeyAccessChange {
  constructor(private readonly context: WalletContext) {}

  execute(
    changeId: string,
    decision: 'approve' | 'reject',
    reason: string,
    actor: string,
  ): Promise<RosterExecuted> {
    const at = instantOf(this.context);
    return this.context.streams.execute(
      ROSTER_STREAM_ID,
      ROSTER_AGGREGATE,
      (state) =>
        decideRoster(
          { type: 'DecideKeyAccessChange', changeId, decision, reason, decidedBy: actor, at },
          state,
          { walletRegistered: true },
        ),
      { actor },
    );
  }
}
