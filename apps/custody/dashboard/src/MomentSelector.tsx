import { useState, type FormEvent } from 'react';
import { instantToLocalInput, LIVE, localInputToInstant, type Moment } from './moment';

/**
 * The point-in-time selector in the header: live, or a past moment every page then shows (each
 * page whose services take `at=` asks them for it; the others say they cannot).
 */
export function MomentSelector({
  moment,
  onChange,
}: {
  readonly moment: Moment;
  readonly onChange: (moment: Moment) => void;
}) {
  const [local, setLocal] = useState(
    moment.kind === 'at' ? instantToLocalInput(moment.instant) : '',
  );
  const [error, setError] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const instant = localInputToInstant(local);
    if (instant === undefined) return setError('choose a date and time');
    if (Date.parse(instant) > Date.now()) return setError('that moment has not happened yet');
    setError('');
    onChange({ kind: 'at', instant });
  };
  const live = () => {
    setLocal('');
    setError('');
    onChange(LIVE);
  };
  return (
    <form id="moment-form" className="moment" onSubmit={submit}>
      <label>
        As at{' '}
        <input
          id="moment"
          type="datetime-local"
          step="1"
          value={local}
          onChange={(event) => setLocal(event.target.value)}
        />
      </label>
      <button id="moment-apply" type="submit">
        Show
      </button>
      <button
        id="moment-live"
        type="button"
        onClick={live}
        disabled={moment.kind === 'live' && local === ''}
      >
        Live
      </button>
      <span
        id="moment-caption"
        className={moment.kind === 'live' ? 'live' : 'past'}
        data-moment={moment.kind === 'live' ? 'live' : moment.instant}
      >
        {moment.kind === 'live' ? 'live' : `as at ${moment.instant}`}
      </span>
      {error !== '' && (
        <span id="moment-error" className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
