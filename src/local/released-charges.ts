import type { PaymentReleasedPayload } from '../domain/payment-release.ts';
import type { StoresideDb } from './db.ts';
import { appendStaffEvent, type DeviceEnv } from './journal.ts';
import { dropOpenCharges } from './open-charges.ts';

/**
 * Journals a card charge a manager took off the sale being rung up, and
 * forgets it as an open charge in the same transaction: it is accounted for
 * by this event now (HQ reconciles it with the terminal's batch), never again
 * put back on a sale after a restart.
 */
export async function releaseCharge(db: StoresideDb, env: DeviceEnv, staff: { id: string; name: string }, release: Omit<PaymentReleasedPayload, 'staffName'>): Promise<void> {
  await appendStaffEvent(db, env, staff, { type: 'payment.released', payload: { ...release, staffName: staff.name } }, { tables: [], write: () => dropOpenCharges(db, [release.charge.terminalRef]) });
}
