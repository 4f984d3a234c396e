import { useEffect, useState } from 'preact/hooks';
import type { StoresideDb } from '../../local/db.ts';
import { verifyPin } from '../../local/pin.ts';
import type { StaffRecord } from '../../protocol/entities.ts';

export type Approval = { id: string; name: string };

/** Wrong PINs in a row before the pad locks, and for how long: a PIN of four digits must not be guessable at the till. */
const MAX_ATTEMPTS = 5;
const LOCK_MS = 60_000;
/** Kept across reloads: reloading the page must not give five more guesses. */
const LOCK_KEY = 'storeside.approvalLock';

type Lock = { failures: number; lockedUntil: number };
const readLock = (): Lock => {
  try {
    return { failures: 0, lockedUntil: 0, ...(JSON.parse(localStorage.getItem(LOCK_KEY) ?? '{}') as Partial<Lock>) };
  } catch {
    return { failures: 0, lockedUntil: 0 };
  }
};
const writeLock = (lock: Lock) => localStorage.setItem(LOCK_KEY, JSON.stringify(lock));

/**
 * A manager approves at this till with their PIN, checked offline against the
 * synced roster. The caller records who approved on the event it writes.
 */
export function ManagerApproval({ db, action, onApproved, onCancel }: { db: StoresideDb; action: string; onApproved: (approval: Approval) => void; onCancel: () => void }) {
  const [managers, setManagers] = useState<StaffRecord[]>([]);
  const [managerId, setManagerId] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  useEffect(() => {
    void db.staff.toArray().then((staff) => {
      const list = staff.filter((member) => member.role === 'manager').sort((a, b) => a.name.localeCompare(b.name));
      setManagers(list);
      if (list.length === 1) setManagerId(list[0]!.id);
    });
  }, [db]);

  const approve = async () => {
    const manager = managers.find((member) => member.id === managerId);
    if (!manager) return setError('Choose the manager approving this.');
    const lock = readLock();
    if (Date.now() < lock.lockedUntil) return setError(`Too many wrong PINs. Try again in ${Math.ceil((lock.lockedUntil - Date.now()) / 1000)} s.`);
    setChecking(true);
    const right = await verifyPin(manager, pin);
    setChecking(false);
    setPin('');
    if (!right) {
      const failures = lock.failures + 1;
      writeLock(failures >= MAX_ATTEMPTS ? { failures: 0, lockedUntil: Date.now() + LOCK_MS } : { failures, lockedUntil: 0 });
      return setError('That PIN is not right.');
    }
    writeLock({ failures: 0, lockedUntil: 0 });
    onApproved({ id: manager.id, name: manager.name });
  };

  return (
    <form
      class="approval"
      aria-label="Manager approval"
      onSubmit={(event) => {
        event.preventDefault();
        void approve();
      }}
    >
      <p>
        <strong>Manager approval:</strong> {action}
      </p>
      <label for="approving-manager">Manager</label>
      <select id="approving-manager" value={managerId} onChange={(event) => setManagerId(event.currentTarget.value)}>
        <option value="">Choose…</option>
        {managers.map((manager) => (
          <option key={manager.id} value={manager.id}>
            {manager.name}
          </option>
        ))}
      </select>
      <label for="approving-pin">Manager PIN</label>
      <input
        id="approving-pin"
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={8}
        value={pin}
        onInput={(event) => setPin(event.currentTarget.value.replace(/\D/g, ''))}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <span class="approval-actions">
        <button type="submit" class="primary" disabled={checking || pin.length === 0}>
          Approve
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </form>
  );
}
