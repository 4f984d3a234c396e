import { nextEvent } from '../domain/events.ts';
import type { PaymentReleasedPayload } from '../domain/payment-release.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { StoresideDb } from './db.ts';
import { appendEvent, type DeviceEnv } from './journal.ts';
import { dropOpenCharges } from './open-charges.ts';

/**
 * Journals a card charge a manager took off the sale being rung up, and
 * forgets it as an open charge in the same transaction: it is accounted for
 * by this event now (HQ reconciles it with the terminal's batch), never again
 * put back on a sale after a restart.
 */
export async function releaseCharge(db: StoresideDb, env: DeviceEnv, staff: { id: string; name: string }, release: Omit<PaymentReleasedPayload, 'staffName'>): Promise<void> {
  await appendEvent(db, env, [], ({ enrollment, head, hlc, now }) => ({
    event: nextEvent(head, {
      id: uuidv7(now, env.randomBytes(10)),
      deviceId: enrollment.deviceId,
      storeId: enrollment.storeId,
      staffId: staff.id,
      hlc,
      type: 'payment.released',
      payload: { ...release, staffName: staff.name },
    }),
    result: undefined,
    write: () => dropOpenCharges(db, [release.charge.terminalRef]),
  }));
}
