import { useState } from 'preact/hooks';
import type { SessionModel } from '../session-model.ts';

export function EnrollScreen({ session }: { session: SessionModel }) {
  const [code, setCode] = useState('');
  return (
    <form
      class="card centered-card"
      aria-labelledby="enroll-title"
      onSubmit={(event) => {
        event.preventDefault();
        void session.enroll(code);
      }}
    >
      <h1 id="enroll-title">Set up this device</h1>
      <p>Enter the enrollment code a manager gave you. It decides the store and whether this is a till or a kiosk.</p>
      <label>
        Enrollment code
        <input
          name="code"
          value={code}
          onInput={(event) => setCode(event.currentTarget.value)}
          placeholder="ABCD-1234"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          required
        />
      </label>
      {session.error.value && (
        <p class="error" role="alert">
          {session.error.value}
        </p>
      )}
      <button type="submit" class="primary" disabled={session.busy.value}>
        {session.busy.value ? 'Enrolling…' : 'Enroll device'}
      </button>
    </form>
  );
}
