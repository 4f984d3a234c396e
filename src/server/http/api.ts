import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { constants as zlibConstants, gzip } from 'node:zlib';
import * as v from 'valibot';
import type { StoreEvent } from '../../domain/events.ts';
import {
  EnrollRequestSchema,
  PullQuerySchema,
  PushRequestSchema,
  DevicesQuerySchema,
  SetPriceRequestSchema,
  SetScarceRequestSchema,
  ProductQuerySchema,
  EditProductRequestSchema,
  StoreQuerySchema,
  EditStoreRequestSchema,
  SnapshotQuerySchema,
  VariancesQuerySchema,
  AlarmsQuerySchema,
  JournalLossRequestSchema,
  TillReportQuerySchema,
  type EnrollResponse,
  type PullResponse,
  type PushResponse,
} from '../../protocol/messages.ts';
import { PROTOCOL_VERSION, readsRow } from '../../protocol/version.ts';
import { PromotionSchema } from '../../protocol/promotions.ts';
import { hashSecret, newDeviceToken, normalizeEnrollmentCode } from '../auth/secrets.ts';
import { authenticate, authenticateHq, checkJournal, checkProtocol } from './authenticate.ts';
import { openChangeStream } from './change-stream.ts';
import { checkPromotion } from '../hq/check-promotion.ts';
import { MONEY_EVENT_TYPES, isMoneyEvent, tillReport } from '../../domain/till-session.ts';
import { dayFigures, inSession, moneyEventSummary, spanStatus } from '../../domain/till-day.ts';
import { businessDay, isTimeZone } from '../../domain/business-day.ts';
import { parseHlc } from '../../domain/hlc.ts';
import { DayReportQuerySchema, sessionWindow, TillSessionsQuerySchema, type DayReport, type OutsideSessionEvent, type TillSessionSummary, type TillSessionsPage } from '../../protocol/till-reports.ts';
import { auditEntries } from '../../domain/audit.ts';
import { AuditQuerySchema, type AuditLogPage } from '../../protocol/audit.ts';
import type { DeviceState } from '../ledger/ledger-tx.ts';
import type { ServerStore, SliceRow, StoreTillSession } from '../storage/server-store.ts';
import { ApiError, parseOrThrow } from './api-error.ts';
import { readJsonBody } from './read-json-body.ts';

const gzipAsync = promisify(gzip);

export type ApiOptions = {
  store: ServerStore;
  now: () => number;
  newId: () => string;
  maxBodyBytes: number;
};

type Handler = (request: IncomingMessage, url: URL, options: ApiOptions) => Promise<Reply>;
type Reply = { status: number; json: string };

const reply = (status: number, body: unknown): Reply => ({ status, json: JSON.stringify(body) });

/** Answers a request under /api/. Every answer, error or not, is JSON. */
export async function handleApi(request: IncomingMessage, response: ServerResponse, options: ApiOptions): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  let result: Reply;
  try {
    if (url.pathname === STREAM_PATH && request.method === 'GET') {
      // Not a JSON answer but an open stream: it writes its own response once the device is known.
      await openChangeStream(request, response, options.store);
      return;
    }
    const route = ROUTES[url.pathname];
    if (!route) throw new ApiError('not_found', `no API route ${url.pathname}`);
    const handler = route[request.method ?? 'GET'];
    if (!handler) throw new ApiError('method_not_allowed', `${url.pathname} does not accept ${request.method}`);
    result = await handler(request, url, options);
  } catch (error) {
    if (error instanceof ApiError) {
      result = reply(error.status, error.toBody());
    } else {
      console.error(`unexpected error answering ${request.method} ${url.pathname}:`, error);
      result = reply(500, { error: { code: 'internal', message: 'the server failed to answer; try again' } });
    }
    // A client may still be sending a body we refused; let it finish instead of resetting the socket.
    request.resume();
  }
  await send(request, response, result);
}

async function send(request: IncomingMessage, response: ServerResponse, { status, json }: Reply) {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  let body: Buffer | string = json;
  if (json.length > 16_384 && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    body = await gzipAsync(json, { level: zlibConstants.Z_BEST_SPEED });
    headers['content-encoding'] = 'gzip';
    headers['vary'] = 'accept-encoding';
  }
  response.writeHead(status, headers).end(body);
}

function queryObject(url: URL): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (Object.hasOwn(query, key)) throw new ApiError('invalid_query', `query parameter ${key} is given twice`);
    query[key] = value;
  }
  return query;
}

const enroll: Handler = async (request, _url, { store, now, newId, maxBodyBytes }) => {
  checkProtocol(request);
  const { code } = parseOrThrow(EnrollRequestSchema, await readJsonBody(request, maxBodyBytes));
  const token = newDeviceToken();
  const deviceId = newId();
  const enrolled = await store.enrollDevice(hashSecret(normalizeEnrollmentCode(code)), { id: deviceId, tokenHash: hashSecret(token), at: now() });
  if (!enrolled) throw new ApiError('enrollment_code_invalid', 'this enrollment code is unknown or was already used; ask a manager for a new one');
  const body: EnrollResponse = { deviceId, storeId: enrolled.storeId, role: enrolled.role as EnrollResponse['role'], token };
  return reply(201, body);
};

const push: Handler = async (request, _url, { store, now, maxBodyBytes }) => {
  const device = await authenticate(request, store);
  checkJournal(request, device);
  const body = parseOrThrow(PushRequestSchema, await readJsonBody(request, maxBodyBytes));
  if (body.deviceId !== device.id) throw new ApiError('forbidden', `this token belongs to device ${device.id}, not ${body.deviceId}`);
  for (const event of body.events) {
    if (event.deviceId !== device.id) throw new ApiError('forbidden', `event ${event.id} names device ${event.deviceId}; this token belongs to ${device.id}`);
    if (event.storeId !== device.storeId) throw new ApiError('forbidden', `event ${event.id} is for store ${event.storeId}; this device belongs to store ${device.storeId}`);
  }
  const events: StoreEvent[] = [...body.events].sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.seq !== events[i - 1]!.seq + 1) {
      throw new ApiError('invalid_body', `events must have consecutive seq numbers; ${events[i - 1]!.seq} is followed by ${events[i]!.seq}`);
    }
  }
  const outcome = await store.ingestPush(device.id, events, now(), body.report);
  if (outcome.kind === 'gap') {
    throw new ApiError('seq_gap', `the server expects seq ${outcome.expectedSeq} next from this device`, { expectedSeq: outcome.expectedSeq });
  }
  const answer: PushResponse = { ackedThroughSeq: outcome.ackedThroughSeq, results: outcome.results };
  return reply(200, answer);
};

const pull: Handler = async (request, url, { store, now }) => {
  const device = await authenticate(request, store);
  checkJournal(request, device);
  const { cursor, limit } = parseOrThrow(PullQuerySchema, queryObject(url), 'invalid_query');
  // The device is in contact: its allotments of scarce products can be topped up, and this pull brings them.
  await store.refreshAllotments(device.id, now());
  const rows = await store.changesSince(device.storeId, cursor, limit + 1);
  // Read after the rows, so every sale of this device that their stock levels count is at or
  // below it. (A push landing in between makes it name sales the levels do not count yet; their
  // new levels come with the next page or pull.)
  const ackedThroughSeq = await store.ackedSeq(device.id);
  const page = rows.slice(0, limit);
  const answer: PullResponse = {
    // Rows an older device cannot read are left out; the cursor still moves past them.
    changes: page.filter((row) => readsRow(device.protocol, row.entity, row.deleted ? null : row.value!)).map((row) => (row.deleted ? { entity: row.entity, key: row.key, op: 'delete' } : { entity: row.entity, key: row.key, op: 'put', value: JSON.parse(row.value!) })),
    cursor: page.at(-1)?.version ?? cursor,
    hasMore: rows.length > limit,
    ackedThroughSeq,
  };
  return reply(200, answer);
};

/**
 * The device confirms that its journal ends before what the server holds: its
 * local data was lost. The server raises HQ's alarm naming the events that
 * can no longer be accounted for (once, however often the device asks) and
 * answers where the device's chain continues.
 */
const journalLost: Handler = async (request, _url, { store, now, maxBodyBytes }) => {
  const device = await authenticate(request, store);
  const { headSeq } = parseOrThrow(JournalLossRequestSchema, await readJsonBody(request, maxBodyBytes));
  const resume = await store.settleLostJournal(device.id, headSeq, now());
  if (!resume) throw new ApiError('invalid_body', `headSeq: the journal is not behind; the server holds this device's events up to seq ${device.ackedSeq}`);
  return reply(200, resume);
};

/** The `next` token of a snapshot page: where to continue, and the cursor fixed by page one. */
const SnapshotTokenSchema = v.strictObject({
  cursor: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  entity: v.string(),
  key: v.string(),
});

function decodeSnapshotToken(token: string) {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError('invalid_query', 'after is not a token this server issued');
  }
  return parseOrThrow(SnapshotTokenSchema, decoded, 'invalid_query');
}

/**
 * A page of the store's slice. Stored values are JSON text already, so the page
 * is assembled as text: a 100,000-product bootstrap never parses and
 * re-serialises every record on the server.
 */
const snapshot: Handler = async (request, url, { store }) => {
  const device = await authenticate(request, store);
  checkJournal(request, device);
  const { after, limit } = parseOrThrow(SnapshotQuerySchema, queryObject(url), 'invalid_query');
  const position = after === undefined ? null : decodeSnapshotToken(after);
  const current = await store.currentCursor(device.storeId);
  // A token from the future would make the device pull from past changes it never saw.
  if (position && position.cursor > current) throw new ApiError('invalid_query', 'after is not a token this server issued (its cursor is ahead of the server)');
  const cursor = position?.cursor ?? current;
  const rows = await store.snapshotRows(device.storeId, position, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? Buffer.from(JSON.stringify({ cursor, entity: last.entity, key: last.key })).toString('base64url') : null;
  const readable = page.filter((row) => readsRow(device.protocol, row.entity, row.deleted ? null : row.value!));
  return { status: 200, json: `{"cursor":${cursor},"next":${JSON.stringify(next)},"groups":[${groupByEntity(readable)}]}` };
};

function groupByEntity(rows: readonly SliceRow[]): string {
  const groups: string[] = [];
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    if (i === rows.length || rows[i]!.entity !== rows[start]!.entity) {
      const values = rows.slice(start, i).map((row) => row.value);
      groups.push(`{"entity":${JSON.stringify(rows[start]!.entity)},"rows":[${values.join(',')}]}`);
      start = i;
    }
  }
  return groups.join(',');
}

/**
 * Creates a promotion, or changes one (same id). Refused whole, naming the
 * field, when it is malformed or does not fit the catalogue and the promotions
 * already running; otherwise stored as the next revision and synced to its stores.
 */
const savePromotion: Handler = async (request, _url, { store, maxBodyBytes }) => {
  await authenticateHq(request, store);
  const definition = parseOrThrow(PromotionSchema, await readJsonBody(request, maxBodyBytes));
  const problems = await checkPromotion(definition, {
    storeIds: await store.storeIds(),
    categoriesOf: (skus) => store.categoriesOf(skus),
    current: await store.currentPromotions(),
  });
  const conflict = problems.find((problem) => problem.field === 'revision');
  if (conflict) throw new ApiError('edit_conflict', conflict.message);
  if (problems.length > 0) {
    throw new ApiError('invalid_body', problems.map((problem) => `${problem.field}: ${problem.message}`).join('; '), { problems });
  }
  return reply(201, { promotion: await store.savePromotion(definition) });
};

/** A new shelf price: the product's next price version, synced to the store's tills and signs. */
const setPrice: Handler = async (request, _url, { store, maxBodyBytes }) => {
  await authenticateHq(request, store);
  const body = parseOrThrow(SetPriceRequestSchema, await readJsonBody(request, maxBodyBytes));
  if (!(await store.storeIds()).includes(body.store)) throw new ApiError('not_found', `store ${body.store} does not exist`);
  const product = await store.setPrice(body.store, body.sku, body.price);
  if (!product) throw new ApiError('not_found', `store ${body.store} does not sell ${body.sku}`);
  return reply(200, { product });
};

/** Marks a product scarce in a store, or ends that: its tills then sell it only from allotments (escrow). */
const setScarce: Handler = async (request, _url, { store, now, maxBodyBytes }) => {
  await authenticateHq(request, store);
  const body = parseOrThrow(SetScarceRequestSchema, await readJsonBody(request, maxBodyBytes));
  if (!(await store.storeIds()).includes(body.store)) throw new ApiError('not_found', `store ${body.store} does not exist`);
  if (!(await store.setScarce(body.store, body.sku, body.scarce, now()))) throw new ApiError('not_found', `store ${body.store} does not sell ${body.sku}`);
  return reply(200, body);
};

/** A product as a store's tills have it, with the version an edit must name. */
const readProduct: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(ProductQuerySchema, queryObject(url), 'invalid_query');
  const product = await store.product(query.store, query.sku);
  if (!product) throw new ApiError('not_found', `store ${query.store} does not sell ${query.sku}`);
  return reply(200, { product: product.value, version: product.version });
};

/** Renames a product in a store: versioned last-writer-wins, refused if it changed since the version read. */
const editProduct: Handler = async (request, _url, { store, maxBodyBytes }) => {
  await authenticateHq(request, store);
  const body = parseOrThrow(EditProductRequestSchema, await readJsonBody(request, maxBodyBytes));
  const outcome = await store.renameProduct(body.store, body.sku, body.version, body.name);
  if (outcome.kind === 'missing') throw new ApiError('not_found', `store ${body.store} does not sell ${body.sku}`);
  if (outcome.kind === 'stale') {
    throw new ApiError('edit_conflict', `product ${body.sku} changed since version ${body.version}; it is at ${outcome.current.version} now — read it again and edit that`, { current: outcome.current });
  }
  return reply(200, { product: outcome.record.value, version: outcome.record.version });
};

/** A store's settings, with the version an edit must name. */
const readStore: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(StoreQuerySchema, queryObject(url), 'invalid_query');
  const settings = await store.storeSettings(query.store);
  if (!settings) throw new ApiError('not_found', `store ${query.store} does not exist`);
  return reply(200, { store: settings.value, version: settings.version });
};

/** Renames a store or sets its offline policy: versioned last-writer-wins, like catalogue text. */
const editStore: Handler = async (request, _url, { store, maxBodyBytes }) => {
  await authenticateHq(request, store);
  const body = parseOrThrow(EditStoreRequestSchema, await readJsonBody(request, maxBodyBytes));
  const { store: storeId, version, ...edit } = body;
  const outcome = await store.editStore(storeId, version, edit);
  if (outcome.kind === 'missing') throw new ApiError('not_found', `store ${body.store} does not exist`);
  if (outcome.kind === 'stale') {
    throw new ApiError('edit_conflict', `store ${body.store} changed since version ${body.version}; it is at ${outcome.current.version} now — read it again and edit that`, { current: outcome.current });
  }
  return reply(200, { store: outcome.record.value, version: outcome.record.version });
};

const listPromotions: Handler = async (request, _url, { store }) => {
  await authenticateHq(request, store);
  return reply(200, { promotions: await store.currentPromotions() });
};

/** A store's devices and the health of their queues: how much waits, since when, and how far each clock is off. */
const listDevices: Handler = async (request, url, { store, now }) => {
  await authenticateHq(request, store);
  const { store: storeId } = parseOrThrow(DevicesQuerySchema, queryObject(url), 'invalid_query');
  if (!(await store.storeIds()).includes(storeId)) throw new ApiError('not_found', `store ${storeId} does not exist`);
  const at = now();
  const devices = (await store.devices(storeId)).map((device) => ({
    ...device,
    outboxDepth: device.reportedHeadSeq === null ? null : Math.max(0, device.reportedHeadSeq - device.ackedSeq),
    // The device's clock made oldestUnsentAt; its offset puts it on the server's clock.
    oldestUnsentAgeMs: device.oldestUnsentAt === null ? null : Math.max(0, at - (device.oldestUnsentAt + (device.clockOffsetMs ?? 0))),
  }));
  return reply(200, { devices });
};

/** Sales where the server's pricing differs from the till's, for finance to review. */
const listVariances: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const { store: storeId } = parseOrThrow(VariancesQuerySchema, queryObject(url), 'invalid_query');
  if (!(await store.storeIds()).includes(storeId)) throw new ApiError('not_found', `store ${storeId} does not exist`);
  return reply(200, { variances: await store.variances(storeId) });
};

/** A till session's X report (still open) or Z report (closed), computed from the events the till sent, as the till computes its own. */
const tillSessionReport: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(TillReportQuerySchema, queryObject(url), 'invalid_query');
  const events = await store.tillSessionEvents(query.device, query.session);
  if (!events) throw new ApiError('not_found', `till ${query.device} has sent no session ${query.session}`);
  return reply(200, { report: tillReport(events) });
};

/** The smallest HLC at a millisecond: an HLC's string starts with its wall time, 15 digits. */
const wallHlc = (ms: number) => String(ms).padStart(15, '0');
/** The wall time an HLC carries, ms since the epoch. */
const hlcMs = (hlc: string) => parseHlc(hlc)?.wallMs ?? 0;

/** A session's report, from the events its till sent: quarantined ones too, as the till counted them (tillSessionEvents). */
async function sessionReport(store: ServerStore, { deviceId, span }: StoreTillSession) {
  return tillReport(await store.deviceEvents(deviceId, span.opened.seq, span.endSeq));
}

/**
 * A store's till sessions that ran in a window (protocol/till-reports.ts),
 * newest opening first, a page at a time; each with its float and, once
 * closed, the count and variance of its Z report. A session is found by its
 * opening and closing events, so a till whose close has not reached the
 * server yet is listed open.
 */
const listTillSessions: Handler = async (request, url, { store, now }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(TillSessionsQuerySchema, queryObject(url), 'invalid_query');
  if (!(await store.storeIds()).includes(query.store)) throw new ApiError('not_found', `store ${query.store} does not exist`);
  const { from, to } = sessionWindow(query, now());
  const found = (await store.tillSessions(query.store, { fromHlc: wallHlc(from), toHlc: wallHlc(to) }))
    .filter(({ span }) => query.before === undefined || span.opened.hlc < query.before)
    .sort((a, b) => (a.span.opened.hlc < b.span.opened.hlc ? 1 : -1));
  const page = found.slice(0, query.limit);
  const sessions: TillSessionSummary[] = [];
  // One at a time: each reads its session's events, and the driver answers one statement at a time anyway.
  for (const session of page) {
    const report = await sessionReport(store, session);
    const { span } = session;
    sessions.push({
      deviceId: session.deviceId,
      role: session.role,
      sessionId: report.sessionId,
      status: spanStatus(span),
      openedBy: report.openedBy,
      openedAt: hlcMs(span.opened.hlc),
      float: report.float,
      closedBy: report.close?.closedBy ?? null,
      closedAt: span.closed ? hlcMs(span.closed.hlc) : null,
      expected: report.cash.expected,
      counted: report.close?.counted ?? null,
      variance: report.close?.variance ?? null,
    });
  }
  const answer: TillSessionsPage = { from, to, sessions, next: found.length > page.length ? page.at(-1)!.span.opened.hlc : null };
  return reply(200, answer);
};

/**
 * A store's business day in its own time zone: every till session that ran in
 * it with its X or Z report (by `tillReport`, as the till computes its own),
 * every sale, return and void made that day outside any session, and the
 * day's totals, which are their sum — so no sale or refund falls outside every
 * report, whatever the store's cash-till rule (domain/cash-till-rule.ts).
 *
 * Quarantined events are counted as `/hq/till-report` counts them, and for the
 * same reason: the till journaled them and its drawer's cash moved whether or
 * not the ledger could book the event (a refund approved by someone no longer
 * a manager). Leaving them out would make the day's cash differ from the
 * drawers'; each outside event says whether it was booked.
 *
 * An event inside a session is found through the sessions that ran that day:
 * a device's clock (its HLC) only moves forward along its journal, so a
 * session holding an event of the day ran that day.
 */
const dayReport: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(DayReportQuerySchema, queryObject(url), 'invalid_query');
  const settings = await store.storeSettings(query.store);
  if (!settings) throw new ApiError('not_found', `store ${query.store} does not exist`);
  const timeZone = settings.value.timezone;
  if (!isTimeZone(timeZone)) throw new ApiError('store_misconfigured', `store ${query.store} has the time zone ${JSON.stringify(timeZone)}, which this server does not know; set an IANA name such as America/Chicago`);
  const { start, end } = businessDay(query.day, timeZone);
  const range = { fromHlc: wallHlc(start), toHlc: wallHlc(end) };
  const found = (await store.tillSessions(query.store, range)).sort((a, b) => (a.span.opened.hlc < b.span.opened.hlc ? -1 : 1));
  const sessions: DayReport['sessions'] = [];
  for (const session of found) {
    const { span } = session;
    sessions.push({ deviceId: session.deviceId, role: session.role, status: spanStatus(span), openedAt: hlcMs(span.opened.hlc), closedAt: span.closed ? hlcMs(span.closed.hlc) : null, report: await sessionReport(store, session) });
  }
  const roles = new Map((await store.devices(query.store)).map((device) => [device.id, device.role]));
  const spansOf = (deviceId: string) => found.filter((session) => session.deviceId === deviceId).map((session) => session.span);
  const outside = (await store.storeEvents(query.store, MONEY_EVENT_TYPES, range)).filter(({ event }) => isMoneyEvent(event) && !inSession(spansOf(event.deviceId), event.seq));
  const figures = dayFigures(
    sessions.map((session) => session.report),
    outside.map(({ event }) => event),
  );
  const events = outside.flatMap(({ event, status }): OutsideSessionEvent[] =>
    isMoneyEvent(event)
      ? [{ deviceId: event.deviceId, role: roles.get(event.deviceId) ?? 'unknown', seq: event.seq, id: event.id, type: event.type, at: hlcMs(event.hlc), ...moneyEventSummary(event), status }]
      : [],
  );
  const answer: DayReport = { store: query.store, day: query.day, timeZone, from: start, to: end, sessions, outside: { figures: figures.outside, events }, totals: figures.totals };
  return reply(200, answer);
};

/** What HQ must look at in a store: lost journals, conflicting resends, unknown SKUs, reused coupons. */
const listAlarms: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const { store: storeId } = parseOrThrow(AlarmsQuerySchema, queryObject(url), 'invalid_query');
  if (!(await store.storeIds()).includes(storeId)) throw new ApiError('not_found', `store ${storeId} does not exist`);
  return reply(200, { alarms: await store.alarms(storeId) });
};

/** A store's sensitive actions by person and time, newest first, a page at a time (src/domain/audit.ts). */
const auditLog: Handler = async (request, url, { store }) => {
  await authenticateHq(request, store);
  const query = parseOrThrow(AuditQuerySchema, queryObject(url), 'invalid_query');
  if (!(await store.storeIds()).includes(query.store)) throw new ApiError('not_found', `store ${query.store} does not exist`);
  const to = query.to === undefined ? '9'.repeat(15) : wallHlc(query.to);
  const beforeHlc = query.before !== undefined && query.before < to ? query.before : to;
  const events = await store.auditEvents(query.store, { fromHlc: wallHlc(query.from ?? 0), beforeHlc }, query.limit);
  const names = await store.staffNames(query.store);
  const nameOf = (id: string | null) => (id === null ? null : (names.get(id) ?? null));
  const page: AuditLogPage = {
    entries: events.flatMap(auditEntries).map((entry) => ({ ...entry, staffName: nameOf(entry.staffId), approvedByName: nameOf(entry.approvedBy) })),
    next: events.length === query.limit ? events.at(-1)!.hlc : null,
  };
  return reply(200, page);
};

const health: Handler = async () => reply(200, { ok: true, protocol: PROTOCOL_VERSION });

const STREAM_PATH = '/api/v1/sync/stream';

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  '/api/v1/health': { GET: health },
  '/api/v1/devices/enroll': { POST: enroll },
  '/api/v1/sync/push': { POST: push },
  '/api/v1/sync/pull': { GET: pull },
  '/api/v1/sync/snapshot': { GET: snapshot },
  '/api/v1/sync/journal-lost': { POST: journalLost },
  // GET is answered before this table, as a stream; listed so other methods get 405.
  [STREAM_PATH]: {},
  '/api/v1/hq/promotions': { GET: listPromotions, POST: savePromotion },
  '/api/v1/hq/variances': { GET: listVariances },
  '/api/v1/hq/devices': { GET: listDevices },
  '/api/v1/hq/alarms': { GET: listAlarms },
  '/api/v1/hq/till-report': { GET: tillSessionReport },
  '/api/v1/hq/till-sessions': { GET: listTillSessions },
  '/api/v1/hq/day-report': { GET: dayReport },
  '/api/v1/hq/audit': { GET: auditLog },
  '/api/v1/hq/prices': { POST: setPrice },
  '/api/v1/hq/scarce': { POST: setScarce },
  '/api/v1/hq/product': { GET: readProduct, POST: editProduct },
  '/api/v1/hq/store': { GET: readStore, POST: editStore },
};
