import { countValue, type CountProblem, type DenominationCount } from '../domain/drawer.ts';
import type { TillCashMovedPayload, TillReport } from '../domain/till-session.ts';
import { tillSessionReport } from './till-report-projection.ts';
import { cardNumberProblem } from '../domain/typed-text.ts';
import { uuidv7 } from '../domain/uuid7.ts';
import type { StoresideDb } from './db.ts';
import { appendStaffEvent, type DeviceEnv } from './journal.ts';
import { outboxState } from './outbox.ts';

type Staff = { id: string; name: string };

/**
 * Why a step of the till's session was refused, as a value the till puts in
 * words (src/app/words): nothing was journaled.
 *   till_open       it is open already: close it first
 *   till_not_open   there is no open session to move cash in or close
 *   unsent_records  `count` records wait to be sent: closed now, the Z report would not be HQ's
 *   typed_text      the reason could hold a card number (the domain's words, typed-text.ts)
 */
export type TillStepProblem =
  | { code: 'till_open' }
  | { code: 'till_not_open' }
  | { code: 'unsent_records'; count: number }
  | { code: 'typed_text'; text: string }
  | CountProblem;

/** Opens a session with a float counted by denomination. Refused while one is open. */
export async function openTill(db: StoresideDb, env: DeviceEnv, staff: Staff, currency: string, count: DenominationCount): Promise<{ problem: TillStepProblem } | null> {
  const current = await tillSessionReport(db);
  if (current && !current.close) return { problem: { code: 'till_open' } };
  const float = countValue(currency, count);
  if (typeof float !== 'number') return float;
  await appendStaffEvent(db, env, staff, { type: 'till.opened', payload: { sessionId: uuidv7(env.now(), env.randomBytes(10)), staffName: staff.name, float, count: { ...count } } });
  return null;
}

/** A movement of cash as the associate records it; the session and their name are added. */
export type CashMovement = TillCashMovedPayload extends infer P ? (P extends unknown ? Omit<P, 'sessionId' | 'staffName'> : never) : never;

/** Paid in, paid out, a drop to the safe, or the drawer opened without a sale (with a manager's approval). */
export async function moveCash(db: StoresideDb, env: DeviceEnv, staff: Staff, movement: CashMovement): Promise<{ problem: TillStepProblem } | null> {
  const current = await tillSessionReport(db);
  if (!current || current.close) return { problem: { code: 'till_not_open' } };
  const cardNumber = cardNumberProblem('The reason', movement.reason);
  if (cardNumber) return { problem: { code: 'typed_text', text: cardNumber } };
  await appendStaffEvent(db, env, staff, { type: 'till.cash_moved', payload: { ...movement, sessionId: current.sessionId, staffName: staff.name } as TillCashMovedPayload });
  return null;
}

/**
 * Closes the session with a blind count: the report with the expected cash
 * comes after, not before. Refused while sales of this till have not reached
 * the server: the Z report must be the one HQ will see.
 */
export async function closeTill(db: StoresideDb, env: DeviceEnv, staff: Staff, currency: string, count: DenominationCount): Promise<{ problem: TillStepProblem } | TillReport> {
  const current = await tillSessionReport(db);
  if (!current || current.close) return { problem: { code: 'till_not_open' } };
  const { count: unsent } = await outboxState(db);
  if (unsent > 0) return { problem: { code: 'unsent_records', count: unsent } };
  const counted = countValue(currency, count);
  if (typeof counted !== 'number') return counted;
  await appendStaffEvent(db, env, staff, { type: 'till.closed', payload: { sessionId: current.sessionId, staffName: staff.name, counted, count: { ...count } } });
  return (await tillSessionReport(db))!;
}
