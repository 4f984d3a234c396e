import type { TillReport } from '../../src/domain/till-session.ts';
import type { AuditLogPage } from '../../src/protocol/audit.ts';
import type { DayReport, TillSessionsPage } from '../../src/protocol/till-reports.ts';
import type { AlarmRecord } from '../../src/server/storage/server-store.ts';
import { apiRequest, PROTOCOL_HEADERS, type ApiAnswer, type ErrorAnswer } from '../integration/helpers/device-client.ts';


/**
 * HQ talking to a server: its token and the protocol header on every
 * request, the answer parsed. The named routes are the ones several suites read; anything else goes
 * through `get` and `post`.
 */
export type HqClient = {
  headers(extra?: Record<string, string>): Record<string, string>;
  get<T = unknown>(path: string): Promise<ApiAnswer<T>>;
  /** POST a JSON body; `token` replaces HQ's (to see a device token or a wrong one refused). */
  post<T = unknown>(path: string, body: unknown, options?: { token?: string }): Promise<ApiAnswer<T>>;
  /** The store's alarms, newest first; fails the test unless HQ is answered. */
  alarms(storeId: string): Promise<AlarmRecord[]>;
  /** The store's audit log for a query such as `limit=2&before=…` (the store is added). */
  audit(storeId: string, query?: string): Promise<ApiAnswer<AuditLogPage>>;
  tillReport(deviceId: string, sessionId: string): Promise<ApiAnswer<{ report: TillReport } | ErrorAnswer>>;
  /** The store's till sessions, newest opening first, for a query such as `from=…&to=…&limit=1&before=…` (the store is added). */
  tillSessions(storeId: string, query?: string): Promise<ApiAnswer<TillSessionsPage | ErrorAnswer>>;
  /** The store's business day (`YYYY-MM-DD`, in the store's time zone): its sessions, and what was sold outside one. */
  dayReport(storeId: string, day: string): Promise<ApiAnswer<DayReport | ErrorAnswer>>;
  /** Sets a product's shelf price in one store; fails the test unless HQ accepts it. */
  setPrice(storeId: string, sku: string, price: number): Promise<void>;
};

/** HQ at `server.url`, with the token `server.hqToken()` reads (a server started by withServer wrote it to its demo credentials). */
export function hqClient(server: { readonly url: string; hqToken(): string }): HqClient {
  const token = () => server.hqToken();
  const headers = (extra: Record<string, string> = {}, bearer = token()) => ({ ...PROTOCOL_HEADERS, authorization: `Bearer ${bearer}`, ...extra });
  const hq: HqClient = {
    headers: (extra) => headers(extra),
    get: (path) => apiRequest(server.url, path, { headers: headers() }),
    post: (path, body, options = {}) =>
      apiRequest(server.url, path, { method: 'POST', headers: headers({ 'content-type': 'application/json' }, options.token ?? token()), body: JSON.stringify(body) }),
    async alarms(storeId) {
      const answer = await hq.get<{ alarms: AlarmRecord[] }>(`/api/v1/hq/alarms?store=${encodeURIComponent(storeId)}`);
      if (answer.status !== 200) throw new Error(`HQ alarms answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return answer.body.alarms;
    },
    audit: (storeId, query) => hq.get(`/api/v1/hq/audit?store=${encodeURIComponent(storeId)}${query ? `&${query}` : ''}`),
    tillReport: (deviceId, sessionId) => hq.get(`/api/v1/hq/till-report?device=${encodeURIComponent(deviceId)}&session=${encodeURIComponent(sessionId)}`),
    tillSessions: (storeId, query) => hq.get(`/api/v1/hq/till-sessions?store=${encodeURIComponent(storeId)}${query ? `&${query}` : ''}`),
    dayReport: (storeId, day) => hq.get(`/api/v1/hq/day-report?store=${encodeURIComponent(storeId)}&day=${encodeURIComponent(day)}`),
    async setPrice(storeId, sku, price) {
      const answer = await hq.post('/api/v1/hq/prices', { store: storeId, sku, price });
      if (answer.status !== 200) throw new Error(`HQ could not set the price of ${sku} in ${storeId} (${answer.status}): ${JSON.stringify(answer.body)}`);
    },
  };
  return hq;
}
