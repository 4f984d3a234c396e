import { PRESSURE_RATIO } from '../../local/storage-pressure.ts';
import { useState } from 'preact/hooks';
import type { SessionModel } from '../session-model.ts';
import { focusOnMount } from '../components/focus-on-mount.ts';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'back'] as const;

/** Pick your name, then type your PIN. Checked offline against the synced roster. */
export function LoginScreen({ session }: { session: SessionModel }) {
  const [staffId, setStaffId] = useState<string | null>(null);
  const [pin, setPin] = useState('');
  const member = session.roster.value.find((m) => m.id === staffId);

  if (!member) {
    return (
      <section class="card" aria-labelledby="who-title">
        <h1 id="who-title">Who is signing in?</h1>
        <ul class="staff-grid">
          {session.roster.value.map((m) => (
            <li key={m.id}>
              <button type="button" class="staff-tile" onClick={() => setStaffId(m.id)}>
                <span class="staff-name">{m.name}</span>
                <span class="staff-role">{m.role}</span>
              </button>
            </li>
          ))}
        </ul>
        <StorageStatus session={session} />
      </section>
    );
  }

  const submit = async () => {
    if (!(await session.signIn(member.id, pin))) setPin('');
  };
  return (
    <form
      class="card centered-card pin-card"
      aria-labelledby="pin-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h1 id="pin-title">PIN for {member.name}</h1>
      <input
        class="pin-input"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        aria-label="PIN"
        value={pin}
        maxLength={8}
        onInput={(event) => setPin(event.currentTarget.value.replace(/\D/g, ''))}
        ref={focusOnMount}
      />
      <div class="pin-pad">
        {KEYS.map((key) => (
          <button
            type="button"
            key={key}
            aria-label={key === 'back' ? 'Delete last digit' : key === 'clear' ? 'Clear PIN' : key}
            onClick={() => setPin(key === 'clear' ? '' : key === 'back' ? pin.slice(0, -1) : (pin + key).slice(0, 8))}
          >
            {key === 'back' ? '⌫' : key === 'clear' ? 'C' : key}
          </button>
        ))}
      </div>
      {session.error.value && (
        <p class="error" role="alert">
          {session.error.value}
        </p>
      )}
      <div class="row">
        <button type="button" onClick={() => (setStaffId(null), setPin(''))}>
          Back
        </button>
        <button type="submit" class="primary" disabled={pin.length < 4 || session.busy.value}>
          Sign in
        </button>
      </div>
    </form>
  );
}

/**
 * Whether this device's sales are safe from the browser clearing its storage,
 * said where every shift starts. Persistent storage is asked for at enrollment.
 */
function StorageStatus({ session }: { session: SessionModel }) {
  const state = session.storage.value;
  if (!state) return null;
  const full = state.quota > 0 && state.usage / state.quota >= PRESSURE_RATIO;
  const used = `${Math.round(state.usage / 1_048_576)} of ${Math.round(state.quota / 1_048_576)} MB used`;
  if (!state.persisted || full) {
    return (
      <p class="storage-status warning" role="status">
        {!state.persisted
          ? 'This browser may clear the till’s data when the device runs short of space, and with it sales not yet sent. Install the app or allow “persistent storage” for this site. '
          : 'This device’s storage is nearly full. '}
        ({used})
      </p>
    );
  }
  return (
    <p class="storage-status muted" role="status">
      Sales are kept safely on this device: persistent storage ({used}).
    </p>
  );
}
