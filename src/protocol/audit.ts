import * as v from 'valibot';
import type { AuditEntry } from '../domain/audit.ts';

/**
 * GET /api/v1/hq/audit?store=&from=&to=&before=&limit= (HQ token): a store's
 * sensitive actions (src/domain/audit.ts), newest first. `from` and `to` are ms
 * since the epoch (`to` exclusive); a page ends with `next`, the `before` of the
 * page after it, or null on the last.
 */
export const MAX_AUDIT_PAGE = 500;
const msFromQuery = v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a time in ms since the epoch'), v.transform(Number));

export const AuditQuerySchema = v.pipe(
  v.strictObject({
    store: v.pipe(v.string(), v.minLength(1, 'name a store: ?store=<id>'), v.maxLength(64)),
    from: v.optional(msFromQuery),
    to: v.optional(msFromQuery),
    /** the `next` of the page before: a hybrid logical clock timestamp */
    before: v.optional(v.pipe(v.string(), v.regex(/^\d{15}-\d{6}-.{1,64}$/, 'must be the next of an earlier page'))),
    limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'must be a whole number'), v.transform(Number), v.minValue(1), v.maxValue(MAX_AUDIT_PAGE)), '100'),
  }),
  v.check((query) => query.from === undefined || query.to === undefined || query.from < query.to, 'from must be before to'),
);
export type AuditQuery = v.InferOutput<typeof AuditQuerySchema>;

/** An entry as HQ reads it: with the names of who served and who approved, from the store's roster (null for someone no longer on it). */
export type AuditLogEntry = AuditEntry & { staffName: string | null; approvedByName: string | null };
export type AuditLogPage = { entries: AuditLogEntry[]; next: string | null };
