import * as v from 'valibot';

/**
 * Whether cash may move at a device with no till session open on it (issue 11).
 *
 * Cash in a drawer is accounted for by the drawer's session: its X and Z
 * reports count what was taken and paid back, and the close counts it. A cash
 * sale (or a cash refund: money leaving a drawer) made with no session open is
 * in no X or Z report. A store chooses, per kind of device:
 *
 *   required  the associate is asked to open the till first; nothing is
 *             journaled until then (the default on tablets, which have a drawer)
 *   optional  the sale goes through; the till shows it among the figures made
 *             outside any session, and HQ's day report lists it (the default on
 *             kiosks: no drawer, self-checkout by card, so no session to open)
 *
 * Either way nothing escapes reporting: HQ's day report
 * (GET /api/v1/hq/day-report) counts every sale, return and void, in a session
 * or outside one. Payments other than cash never need a session: no drawer
 * moves.
 */
export const TILL_SESSION_RULES = ['required', 'optional'] as const;
export type TillSessionRule = (typeof TILL_SESSION_RULES)[number];
export type DeviceRole = 'tablet' | 'kiosk';

const rule = v.picklist(TILL_SESSION_RULES, 'must be required or optional');

/**
 * The setting as the store record carries it to the devices (`cashTillSession`).
 * `v.object`, not strict: a later release may name another kind of device, and
 * a device that cannot read its store record stops pulling for good.
 */
export const CashTillSessionSchema = v.object({ tablet: v.optional(rule), kiosk: v.optional(rule) });
export type CashTillSession = v.InferOutput<typeof CashTillSessionSchema>;

/** The setting as HQ sends it: strict, so a misspelt role is a 400 naming it instead of a setting silently ignored. */
export const CashTillSessionEditSchema = v.pipe(
  v.strictObject({ tablet: v.optional(rule), kiosk: v.optional(rule) }),
  v.check((setting) => setting.tablet !== undefined || setting.kiosk !== undefined, 'name a kind of device: tablet or kiosk'),
);

/** What a store without a setting of its own (or without one for a role) follows. */
export const DEFAULT_CASH_TILL_SESSION: Required<CashTillSession> = { tablet: 'required', kiosk: 'optional' };

/** The rule for one kind of device, the store's where it set one. */
export function cashTillRule(setting: CashTillSession | undefined, role: DeviceRole): TillSessionRule {
  return setting?.[role] ?? DEFAULT_CASH_TILL_SESSION[role];
}

/** Whether money moves through a drawer: any cash taken in or paid back. */
export function movesCash(tenders: readonly { kind: string; amount: number }[]): boolean {
  return tenders.some((tender) => tender.kind === 'cash' && tender.amount !== 0);
}

/** What is about to move cash: the words of the refusal follow it. */
export type CashAction = 'sale' | 'refund' | 'void' | 'exchange';

/** Cash would move with no till session open where the store requires one: for `action`. */
export type TillSessionRefusal = { code: 'cash_needs_open_till'; action: CashAction };

/**
 * Why cash may not move now, or null when it may: refused only when the rule
 * requires a session, cash moves, and none is open on this device.
 */
export function tillSessionRefusal(input: { rule: TillSessionRule; sessionOpen: boolean; tenders: readonly { kind: string; amount: number }[]; action: CashAction }): TillSessionRefusal | null {
  if (input.rule === 'optional' || input.sessionOpen || !movesCash(input.tenders)) return null;
  return { code: 'cash_needs_open_till', action: input.action };
}
