import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../src/domain/events.ts';
import type { SnapshotPage } from '../../src/protocol/messages.ts';
import { demoCredentials, withServer } from '../support/server-fixture.ts';
import { apiRequest, PROTOCOL_HEADERS, takeEnrollmentCode, type ApiAnswer, type DeviceClient, type ErrorAnswer, type SaleChain } from './helpers/device-client.ts';
import { expectErrorAnswer } from './helpers/error-answer.ts';

/**
 * What the API answers to requests it must refuse: the right 4xx, always the
 * one JSON error shape (src/protocol/errors.ts) with a message that names the
 * problem, never a 500, and nothing written.
 */

// "Never a 500": withServer checks the server logged no unexpected error for anything sent here.
const server = withServer({ label: 'bad-input' });
/** A device of the first demo store, and one of another store. */
let device: DeviceClient;
let otherDevice: DeviceClient;
let chain: SaleChain;
/** Two valid, unsent events of `device`: seq 1 and 2. */
let valid: StoreEvent[];

beforeAll(async () => {
  const { stores } = demoCredentials(server);
  ({ client: device, chain } = await server.till(stores[0]!.id, 42));
  otherDevice = await server.enroll({ storeId: stores[1]!.id });
  valid = chain.take(2);
});

/** Everything a refused request must leave as it was. */
function ledgerFingerprint() {
  return server.ledger((db) => {
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      events: count('events'),
      sales: count('sales'),
      saleLines: count('sale_lines'),
      tenders: count('tenders'),
      alarms: count('alarms'),
      scarce: count('scarce_products'),
      allotments: count('allotments'),
      devices: count('devices'),
      spentCodes: (db.prepare(`SELECT COUNT(*) AS n FROM enrollment_codes WHERE used_by_device IS NOT NULL`).get() as { n: number }).n,
      ackedSeqs: db.prepare(`SELECT id, acked_seq FROM devices ORDER BY id`).all(),
      syncVersions: db.prepare(`SELECT store_id, version FROM store_versions ORDER BY store_id`).all(),
    };
  });
}

/** Sends a request the server must refuse, and checks the refusal and that nothing changed. */
async function expectRefused(send: () => Promise<ApiAnswer>, status: number, code: string, message: RegExp): Promise<ErrorAnswer['error']> {
  const before = ledgerFingerprint();
  const error = expectErrorAnswer(await send(), status, code, message);
  expect(ledgerFingerprint()).toEqual(before);
  return error;
}

const jsonHeaders = (client: DeviceClient) => client.headers({ 'content-type': 'application/json' });

/** POST /api/v1/sync/push with a raw body and headers of the test's choosing. */
const rawPush = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = jsonHeaders(device)) =>
  apiRequest(server.url, '/api/v1/sync/push', { method: 'POST', headers, body });

const pushBody = (events: unknown[], deviceId: string = device.deviceId) => JSON.stringify({ deviceId, events });

/** A copy of a valid event with one field changed at `path` (e.g. ['payload', 'lines', 0, 'quantity']). */
function withField(event: StoreEvent, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(event) as Record<string | number, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
  if (value === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = value;
  return copy;
}

describe('a push body that is not a valid push', () => {
  it('answers 400 invalid_json when the body is malformed JSON', async () => {
    await expectRefused(() => rawPush('{"deviceId": "x", "events": ['), 400, 'invalid_json', /not valid JSON/);
    await expectRefused(() => rawPush(''), 400, 'invalid_json', /not valid JSON/);
  });

  it('answers 400 invalid_body naming the field when types are wrong', async () => {
    const error = await expectRefused(() => rawPush(JSON.stringify({ deviceId: 42, events: 'none' })), 400, 'invalid_body', /deviceId/);
    expect(error.message).toMatch(/events/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['payload', 'lines', 0, 'quantity'], '2')])), 400, 'invalid_body', /events\.0\.payload\.lines\.0\.quantity/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['seq'], 1.5)])), 400, 'invalid_body', /events\.0\.seq/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['prev'], undefined)])), 400, 'invalid_body', /events\.0\.prev/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['payload', 'tenders', 0, 'amount'], -5)])), 400, 'invalid_body', /events\.0\.payload\.tenders\.0\.amount/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['till'], 'front')])), 400, 'invalid_body', /events\.0\.till/);
  });

  it('answers 400 invalid_body naming a version or revision past what a 32-bit column holds, on every engine alike', async () => {
    // Postgres keeps these in INTEGER columns: a sale naming more would meet an out-of-range error there, not a refusal.
    const tooBig = 2 ** 31;
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['payload', 'lines', 0, 'priceVersion'], tooBig)])), 400, 'invalid_body', /events\.0\.payload\.lines\.0\.priceVersion/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['payload', 'pricing', 'taxConfigVersion'], tooBig)])), 400, 'invalid_body', /events\.0\.payload\.pricing\.taxConfigVersion/);
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['payload', 'pricing', 'promotionsRevision'], tooBig)])), 400, 'invalid_body', /events\.0\.payload\.pricing\.promotionsRevision/);
  });

  it('answers 400 invalid_body for bodies of the wrong shape altogether', async () => {
    for (const body of ['null', '[]', '"push"', '7', '{}', JSON.stringify({ deviceId: device.deviceId, events: [null] }), JSON.stringify({ deviceId: device.deviceId, events: [] })]) {
      await expectRefused(() => rawPush(body), 400, 'invalid_body', /./);
    }
  });

  it('answers 400 invalid_body naming an unknown event type', async () => {
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['type'], 'sale.exploded')])), 400, 'invalid_body', /events\.0\.type.*sale\.exploded/);
  });

  it('answers 400 invalid_body for a payload version newer than the server knows', async () => {
    await expectRefused(() => rawPush(pushBody([withField(valid[0]!, ['v'], 99)])), 400, 'invalid_body', /events\.0\.v/);
  });

  it('answers 400 invalid_body when the seqs of one batch are not consecutive', async () => {
    const third = chain.fork().next();
    await expectRefused(() => rawPush(pushBody([valid[0], third])), 400, 'invalid_body', /consecutive seq numbers; 1 is followed by 3/);
    await expectRefused(() => rawPush(pushBody([valid[0], valid[0]])), 400, 'invalid_body', /consecutive seq numbers; 1 is followed by 1/);
  });

  it('answers 400 invalid_body for more events than one batch may carry', async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ ...valid[0]!, seq: i + 1 }));
    await expectRefused(() => rawPush(pushBody(many)), 400, 'invalid_body', /events/);
  });
});

describe('a push body that is too large', () => {
  const oversize = () => `{"deviceId":"${device.deviceId}","events":[],"pad":"${'x'.repeat(1_100_000)}"}`;

  it('answers 413 when its declared length passes the 1 MiB limit', async () => {
    await expectRefused(() => rawPush(oversize()), 413, 'payload_too_large', /limit is 1048576/);
  });

  it('answers 413 when it is streamed without a length and passes the limit', async () => {
    const text = new TextEncoder().encode(oversize());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < text.length; at += 64 * 1024) controller.enqueue(text.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    await expectRefused(() => rawPush(body), 413, 'payload_too_large', /exceeds the limit of 1048576 bytes/);
  });
});

describe('a push with the wrong headers', () => {
  it('answers 415 for a content type other than JSON', async () => {
    await expectRefused(() => rawPush(pushBody(valid), device.headers({ 'content-type': 'text/plain' })), 415, 'unsupported_media_type', /application\/json/);
    await expectRefused(() => rawPush(pushBody(valid), device.headers({ 'content-type': 'application/x-www-form-urlencoded' })), 415, 'unsupported_media_type', /application\/json/);
  });

  it('answers 401 without a device token', async () => {
    await expectRefused(() => rawPush(pushBody(valid), { ...PROTOCOL_HEADERS, 'content-type': 'application/json' }), 401, 'unauthorized', /Authorization: Bearer/);
    await expectRefused(
      () => rawPush(pushBody(valid), { ...PROTOCOL_HEADERS, 'content-type': 'application/json', authorization: `Basic ${btoa('till:secret')}` }),
      401,
      'unauthorized',
      /Authorization: Bearer/,
    );
  });

  it('answers 401 for a token the server never issued', async () => {
    const headers = { ...PROTOCOL_HEADERS, 'content-type': 'application/json', authorization: `Bearer ${randomBytes(32).toString('base64url')}` };
    await expectRefused(() => rawPush(pushBody(valid), headers), 401, 'unauthorized', /not recognised/);
  });

  it('answers 400 missing_protocol without X-Storeside-Protocol', async () => {
    const { 'x-storeside-protocol': _omitted, ...headers } = jsonHeaders(device);
    await expectRefused(() => rawPush(pushBody(valid), headers), 400, 'missing_protocol', /X-Storeside-Protocol: 5/);
  });

  it('answers 426 for a protocol older (or newer) than the server speaks', async () => {
    const error = await expectRefused(() => rawPush(pushBody(valid), { ...jsonHeaders(device), 'x-storeside-protocol': '2' }), 426, 'unsupported_protocol', /protocol 2 is not supported.*Reload/);
    expect(error.details).toEqual({ supported: [3, 5] });
    await expectRefused(() => rawPush(pushBody(valid), { ...jsonHeaders(device), 'x-storeside-protocol': '6' }), 426, 'unsupported_protocol', /protocol 6 is not supported/);
    await expectRefused(() => rawPush(pushBody(valid), { ...jsonHeaders(device), 'x-storeside-protocol': 'one' }), 426, 'unsupported_protocol', /protocol one is not supported/);
  });
});

describe('a push for somebody else', () => {
  it('answers 403 when an event is for another store, and applies none of the batch', async () => {
    const foreign = withField(valid[1]!, ['storeId'], otherDevice.storeId);
    await expectRefused(() => rawPush(pushBody([valid[0], foreign])), 403, 'forbidden', new RegExp(`store ${otherDevice.storeId}`));
  });

  it('answers 403 when body.deviceId is another device', async () => {
    await expectRefused(() => rawPush(pushBody(valid, otherDevice.deviceId)), 403, 'forbidden', new RegExp(`belongs to device ${device.deviceId}, not ${otherDevice.deviceId}`));
  });

  it('answers 403 when an event names another device', async () => {
    const borrowed = withField(valid[0]!, ['deviceId'], otherDevice.deviceId);
    await expectRefused(() => rawPush(pushBody([borrowed])), 403, 'forbidden', new RegExp(`names device ${otherDevice.deviceId}`));
  });
});

describe('enrollment', () => {
  const enroll = (body: string, headers: Record<string, string> = { ...PROTOCOL_HEADERS, 'content-type': 'application/json' }) =>
    apiRequest(server.url, '/api/v1/devices/enroll', { method: 'POST', headers, body });

  it('answers 403 enrollment_code_invalid for an unknown code', async () => {
    await expectRefused(() => enroll(JSON.stringify({ code: 'ZZZZ-9999' })), 403, 'enrollment_code_invalid', /unknown or was already used/);
  });

  it('answers 403 enrollment_code_invalid for a code that was already used', async () => {
    const { code } = takeEnrollmentCode(server.dataDir);
    const first = await enroll(JSON.stringify({ code }));
    expect(first.status).toBe(201);
    await expectRefused(() => enroll(JSON.stringify({ code })), 403, 'enrollment_code_invalid', /unknown or was already used/);
    await expectRefused(() => enroll(JSON.stringify({ code: ` ${code.toLowerCase()} ` })), 403, 'enrollment_code_invalid', /unknown or was already used/);
  });

  it('answers 400 for a code that is not shaped like one, or without the protocol header', async () => {
    await expectRefused(() => enroll(JSON.stringify({ code: 'open sesame' })), 400, 'invalid_body', /code: code looks like ABCD-1234/);
    await expectRefused(() => enroll(JSON.stringify({ code: 'ZZZZ-9999', role: 'manager' })), 400, 'invalid_body', /role/);
    await expectRefused(() => enroll(JSON.stringify({ code: 'ZZZZ-9999' }), { 'content-type': 'application/json' }), 400, 'missing_protocol', /X-Storeside-Protocol/);
  });
});

describe('pull and snapshot queries', () => {
  it('answers 400 invalid_query for a pull with a bad cursor or limit', async () => {
    await expectRefused(() => device.get('/api/v1/sync/pull?cursor=abc'), 400, 'invalid_query', /cursor: must be a whole number/);
    await expectRefused(() => device.get('/api/v1/sync/pull?cursor=-1'), 400, 'invalid_query', /cursor/);
    await expectRefused(() => device.get('/api/v1/sync/pull'), 400, 'invalid_query', /cursor/);
    await expectRefused(() => device.get('/api/v1/sync/pull?cursor=1&cursor=2'), 400, 'invalid_query', /cursor is given twice/);
    await expectRefused(() => device.get('/api/v1/sync/pull?cursor=0&limit=5001'), 400, 'invalid_query', /limit/);
    await expectRefused(() => device.get('/api/v1/sync/pull?cursor=0&since=3'), 400, 'invalid_query', /since/);
  });

  it('answers 400 invalid_query for a snapshot `after` token the server did not issue', async () => {
    const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await expectRefused(() => device.get('/api/v1/sync/snapshot?after=not-a-token!'), 400, 'invalid_query', /not a token this server issued/);
    await expectRefused(() => device.get(`/api/v1/sync/snapshot?after=${token({ cursor: -1, entity: 'product', key: 'a' })}`), 400, 'invalid_query', /cursor/);
    await expectRefused(() => device.get(`/api/v1/sync/snapshot?after=${token({ cursor: 1, entity: 'product' })}`), 400, 'invalid_query', /key/);
    await expectRefused(() => device.get(`/api/v1/sync/snapshot?after=${token([1, 'product', 'a'])}`), 400, 'invalid_query', /cursor/);
    await expectRefused(() => device.get(`/api/v1/sync/snapshot?after=${'A'.repeat(600)}`), 400, 'invalid_query', /after/);
  });

  // Tokens are unsigned base64url JSON: one whose cursor is ahead of the server was never issued.
  it('answers 400 for a well-formed `after` token whose cursor is ahead of the server', async () => {
    const { cursor } = (await device.get<SnapshotPage>('/api/v1/sync/snapshot?limit=1')).body;
    const forged = Buffer.from(JSON.stringify({ cursor: cursor + 1_000_000, entity: 'product', key: '' })).toString('base64url');
    await expectRefused(() => device.get(`/api/v1/sync/snapshot?after=${forged}`), 400, 'invalid_query', /not a token this server issued/);
  });

  it('answers 400 invalid_header for a journal head that is not a seq', async () => {
    for (const head of ['-1', 'abc', '1.5', '9'.repeat(20)]) {
      const headers = device.headers({ 'x-storeside-journal': head });
      await expectRefused(() => apiRequest(server.url, '/api/v1/sync/pull?cursor=0', { headers }), 400, 'invalid_header', /x-storeside-journal must be the seq/);
    }
  });

  it('answers 400 to a confirmed journal loss that is malformed or that the server does not see', async () => {
    const confirm = (body: unknown) => apiRequest(server.url, '/api/v1/sync/journal-lost', { method: 'POST', headers: jsonHeaders(device), body: JSON.stringify(body) });
    await expectRefused(() => confirm({}), 400, 'invalid_body', /headSeq/);
    await expectRefused(() => confirm({ headSeq: -1 }), 400, 'invalid_body', /headSeq/);
    await expectRefused(() => confirm({ headSeq: 0, extra: true }), 400, 'invalid_body', /extra/);
    await expectRefused(() => confirm({ headSeq: 0 }), 400, 'invalid_body', /the journal is not behind/);
  });

  it('answers 401 without a token', async () => {
    await expectRefused(() => apiRequest(server.url, '/api/v1/sync/pull?cursor=0', { headers: { ...PROTOCOL_HEADERS } }), 401, 'unauthorized', /Bearer/);
    await expectRefused(() => apiRequest(server.url, '/api/v1/sync/snapshot', { headers: { ...PROTOCOL_HEADERS } }), 401, 'unauthorized', /Bearer/);
  });
});

describe('HQ alarms', () => {
  it('answers 401 without the HQ token and 400 or 404 for a bad store', async () => {
    const hq = server.hq.headers();
    await expectRefused(() => device.get('/api/v1/hq/alarms?store=store-us-austin'), 401, 'unauthorized', /HQ token/);
    await expectRefused(() => apiRequest(server.url, '/api/v1/hq/alarms', { headers: hq }), 400, 'invalid_query', /store/);
    await expectRefused(() => apiRequest(server.url, '/api/v1/hq/alarms?store=nowhere', { headers: hq }), 404, 'not_found', /store nowhere does not exist/);
  });
});

describe('HQ audit log', () => {
  it('answers 401 without the HQ token, 400 naming the parameter, 404 for a store that does not exist', async () => {
    const hq = server.hq.headers();
    const audit = (query: string) => apiRequest(server.url, `/api/v1/hq/audit${query}`, { headers: hq });
    await expectRefused(() => device.get('/api/v1/hq/audit?store=store-us-austin'), 401, 'unauthorized', /HQ token/);
    await expectRefused(() => audit(''), 400, 'invalid_query', /store/);
    await expectRefused(() => audit('?store=store-us-austin&from=yesterday'), 400, 'invalid_query', /from: must be a time/);
    await expectRefused(() => audit('?store=store-us-austin&from=2000&to=1000'), 400, 'invalid_query', /from must be before to/);
    await expectRefused(() => audit('?store=store-us-austin&limit=0'), 400, 'invalid_query', /limit/);
    await expectRefused(() => audit('?store=store-us-austin&limit=501'), 400, 'invalid_query', /limit/);
    await expectRefused(() => audit('?store=store-us-austin&before=%27%20OR%201=1'), 400, 'invalid_query', /before/);
    await expectRefused(() => audit('?store=store-us-austin&who=me'), 400, 'invalid_query', /who/);
    await expectRefused(() => audit('?store=store-us-austin&store=store-de-berlin'), 400, 'invalid_query', /store is given twice/);
    await expectRefused(() => audit('?store=nowhere'), 404, 'not_found', /store nowhere does not exist/);
  });
});

describe('HQ till sessions and day report', () => {
  it('answers 401 without the HQ token, 400 naming the parameter, 404 for a store that does not exist', async () => {
    const hq = server.hq.headers();
    const sessions = (query: string) => apiRequest(server.url, `/api/v1/hq/till-sessions${query}`, { headers: hq });
    await expectRefused(() => device.get('/api/v1/hq/till-sessions?store=store-us-austin'), 401, 'unauthorized', /HQ token/);
    await expectRefused(() => sessions(''), 400, 'invalid_query', /store/);
    await expectRefused(() => sessions('?store=store-us-austin&from=monday'), 400, 'invalid_query', /from: must be a time in ms/);
    await expectRefused(() => sessions('?store=store-us-austin&from=2000&to=1000'), 400, 'invalid_query', /from must be before to/);
    await expectRefused(() => sessions(`?store=store-us-austin&from=0&to=${93 * 86_400_000}`), 400, 'invalid_query', /at most 92 days apart/);
    await expectRefused(() => sessions('?store=store-us-austin&limit=0'), 400, 'invalid_query', /limit/);
    await expectRefused(() => sessions('?store=store-us-austin&limit=201'), 400, 'invalid_query', /limit/);
    await expectRefused(() => sessions('?store=store-us-austin&before=%27%20OR%201=1'), 400, 'invalid_query', /before: must be the next of an earlier page/);
    await expectRefused(() => sessions('?store=store-us-austin&device=x'), 400, 'invalid_query', /device/);
    await expectRefused(() => sessions('?store=store-us-austin&store=store-de-berlin'), 400, 'invalid_query', /store is given twice/);
    await expectRefused(() => sessions('?store=nowhere'), 404, 'not_found', /store nowhere does not exist/);

    const day = (query: string) => apiRequest(server.url, `/api/v1/hq/day-report${query}`, { headers: hq });
    await expectRefused(() => device.get('/api/v1/hq/day-report?store=store-us-austin&day=2026-03-14'), 401, 'unauthorized', /HQ token/);
    await expectRefused(() => day('?store=store-us-austin'), 400, 'invalid_query', /day/);
    await expectRefused(() => day('?day=2026-03-14'), 400, 'invalid_query', /store/);
    for (const wrong of ['2026-02-30', 'yesterday', '14.03.2026', '2026-3-14', '2026-03-14T00:00']) {
      await expectRefused(() => day(`?store=store-us-austin&day=${wrong}`), 400, 'invalid_query', /day: must be a calendar day written YYYY-MM-DD/);
    }
    await expectRefused(() => day('?store=store-us-austin&day=2026-03-14&tz=UTC'), 400, 'invalid_query', /tz/);
    await expectRefused(() => day('?store=nowhere&day=2026-03-14'), 404, 'not_found', /store nowhere does not exist/);
  });
});

describe('HQ marking a product scarce', () => {
  const post = (body: unknown, token?: string) => server.hq.post('/api/v1/hq/scarce', body, token === undefined ? {} : { token });
  it('answers 400 naming the field, 404 for a store or product that does not exist, 401 without the HQ token', async () => {
    const store = demoCredentials(server).stores[0]!.id;
    const sku = (await device.readSnapshot()).products[0]!.sku;
    await expectRefused(() => post({ store, sku, scarce: 'yes' }), 400, 'invalid_body', /scarce/);
    await expectRefused(() => post({ store, scarce: true }), 400, 'invalid_body', /sku/);
    await expectRefused(() => post({ store, sku, scarce: true, units: 3 }), 400, 'invalid_body', /units/);
    await expectRefused(() => post({ store: 'nowhere', sku, scarce: true }), 404, 'not_found', /store nowhere does not exist/);
    await expectRefused(() => post({ store, sku: 'SKU-NONE', scarce: true }), 404, 'not_found', /does not sell SKU-NONE/);
    await expectRefused(() => post({ store, sku, scarce: true }, device.token), 401, 'unauthorized', /HQ token/);
  });
});

describe('HQ edits of catalogue text and store settings', () => {
  it('answers 400 naming the field, 404 for what does not exist, 401 without the HQ token; nothing changes', async () => {
    const hq = server.hq.headers({ 'content-type': 'application/json' });
    const post = (path: string, body: unknown, headers: Record<string, string> = hq) => apiRequest(server.url, path, { method: 'POST', headers, body: JSON.stringify(body) });
    const store = demoCredentials(server).stores[0]!.id;
    const sku = (await device.readSnapshot()).products[0]!.sku;
    await expectRefused(() => post('/api/v1/hq/product', { store, sku, version: 1, name: '   ' }), 400, 'invalid_body', /name: must not be empty/);
    await expectRefused(() => post('/api/v1/hq/product', { store, sku, name: 'New name' }), 400, 'invalid_body', /version/);
    await expectRefused(() => post('/api/v1/hq/product', { store, sku, version: 1.5, name: 'New name' }), 400, 'invalid_body', /version: must be the version you read/);
    await expectRefused(() => post('/api/v1/hq/product', { store, sku, version: 1, name: 'x'.repeat(201) }), 400, 'invalid_body', /name/);
    await expectRefused(() => post('/api/v1/hq/product', { store, sku: 'SKU-NONE', version: 1, name: 'New name' }), 404, 'not_found', /does not sell SKU-NONE/);
    await expectRefused(() => post('/api/v1/hq/product', { store, sku, version: 1, name: 'New name' }, device.headers({ 'content-type': 'application/json' })), 401, 'unauthorized', /HQ token/);
    await expectRefused(() => post('/api/v1/hq/store', { store: 'nowhere', version: 1, name: 'New name' }), 404, 'not_found', /store nowhere does not exist/);
    await expectRefused(() => post('/api/v1/hq/store', { store, version: 1, name: 'New name', currency: 'EUR' }), 400, 'invalid_body', /currency/);
    await expectRefused(() => post('/api/v1/hq/store', { store, version: 1, cashTillSession: { tablet: 'sometimes' } }), 400, 'invalid_body', /cashTillSession\.tablet: must be required or optional/);
    await expectRefused(() => post('/api/v1/hq/store', { store, version: 1, cashTillSession: { phone: 'optional' } }), 400, 'invalid_body', /cashTillSession.*phone/);
    await expectRefused(() => post('/api/v1/hq/store', { store, version: 1, cashTillSession: {} }), 400, 'invalid_body', /cashTillSession: name a kind of device: tablet or kiosk/);
    await expectRefused(() => post('/api/v1/hq/store', { store, version: 1, cashTillSession: 'required' }), 400, 'invalid_body', /cashTillSession/);
    await expectRefused(() => apiRequest(server.url, `/api/v1/hq/product?store=${store}`, { headers: hq }), 400, 'invalid_query', /sku/);
    await expectRefused(() => apiRequest(server.url, `/api/v1/hq/store?store=nowhere`, { headers: hq }), 404, 'not_found', /nowhere/);
  });
});

describe('routes', () => {
  it('answers 404 not_found for an unknown API route', async () => {
    await expectRefused(() => device.get('/api/v1/sync/nowhere'), 404, 'not_found', /no API route \/api\/v1\/sync\/nowhere/);
    await expectRefused(() => device.get('/api/v2/sync/push'), 404, 'not_found', /no API route/);
  });

  it('answers 405 method_not_allowed for a known route with the wrong method', async () => {
    await expectRefused(() => device.get('/api/v1/sync/push'), 405, 'method_not_allowed', /\/api\/v1\/sync\/push does not accept GET/);
    await expectRefused(() => apiRequest(server.url, '/api/v1/devices/enroll', { method: 'DELETE', headers: { ...PROTOCOL_HEADERS } }), 405, 'method_not_allowed', /does not accept DELETE/);
    await expectRefused(() => device.postJson('/api/v1/sync/pull', {}), 405, 'method_not_allowed', /does not accept POST/);
  });
});

describe('after all of that', () => {
  it('the valid events still apply from seq 1: nothing refused advanced the device', async () => {
    const answer = await device.push(valid);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ackedThroughSeq: 2, results: [{ status: 'applied' }, { status: 'applied' }] });
  });
});
