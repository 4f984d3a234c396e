import { Fragment } from 'preact';
import { liveQuery } from 'dexie';
import { useEffect, useId, useState } from 'preact/hooks';
import { countValue, denominationsOf, isNote, type DenominationCount } from '../../domain/drawer.ts';
import { formatMoney, parseMoneyInput } from '../../domain/money.ts';
import type { TillFigures, TillReport } from '../../domain/till-session.ts';
import type { StoresideDb } from '../../local/db.ts';
import { browserEnv } from '../../local/journal.ts';
import { closeTill, moveCash, openTill } from '../../local/till-session.ts';
import { tillSessionReport } from '../../local/till-report-projection.ts';
import { outsideSession, type OutsideSession } from '../../local/outside-session.ts';
import type { StoreRecord } from '../../protocol/entities.ts';
import { ManagerApproval } from '../approval/manager-approval.tsx';
import { Money } from '../components/money.tsx';
import { storeWords } from '../words/store-words.ts';
import { tillStepProblemText } from '../words/problem-text.ts';
import type { TillStepProblem } from '../../local/till-session.ts';

type Props = { db: StoresideDb; store: StoreRecord; staff: { id: string; name: string }; onEvent: () => void; onClose: () => void };

/**
 * The till's cash drawer over a shift: open with a counted float, pay in and
 * out, drop to the safe, open the drawer without a sale (a manager approves),
 * read the X report, and close with a blind count, which shows the Z report.
 * Below, what the till sold or paid back outside any session today, in no X or
 * Z report (issue 11).
 */
export function TillPanel({ db, store, staff, onEvent, onClose }: Props) {
  const [report, setReport] = useState<TillReport | null | undefined>(undefined);
  const [outside, setOutside] = useState<OutsideSession | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  useEffect(() => {
    const subscription = liveQuery(() => tillSessionReport(db)).subscribe({ next: setReport, error: () => setReport(null) });
    return () => subscription.unsubscribe();
  }, [db]);
  // Apart from the X report, which shows at once from the report the till keeps: this one reads the journal back.
  useEffect(() => {
    const subscription = liveQuery(() => outsideSession(db, { now: Date.now(), timeZone: store.timezone })).subscribe({
      next: setOutside,
      error: (failure: unknown) => {
        console.error('cannot read the sales made outside a till session', failure);
        setOutside(null);
      },
    });
    return () => subscription.unsubscribe();
  }, [db, store.timezone]);
  const done = (outcome: { problem: TillStepProblem } | unknown) => {
    if (outcome && typeof outcome === 'object' && 'problem' in outcome) return setError(tillStepProblemText(outcome.problem as TillStepProblem, storeWords(store)));
    setError(null);
    onEvent();
  };
  const open = report && !report.close;
  return (
    <div class="overlay till-overlay">
      <section class="receipt till-panel" role="dialog" aria-labelledby="till-title">
        <h2 id="till-title">Till</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {report === undefined ? (
          <p class="muted">Loading…</p>
        ) : !open ? (
          <>
            {report?.close && <ReportView report={report} store={store} title="Last Z report" />}
            <CountForm store={store} action="Open the till" hint="Count the float" onCount={async (count) => done(await openTill(db, browserEnv, staff, store.currency, count))} />
          </>
        ) : closing ? (
          <CountForm
            store={store}
            action="Close the till"
            hint="Count the drawer (blind: what is expected shows after)"
            onCount={async (count) => {
              done(await closeTill(db, browserEnv, staff, store.currency, count));
              setClosing(false);
            }}
          />
        ) : (
          <>
            <ReportView report={report} store={store} title="X report" />
            <CashMoveForm store={store} onMove={async (movement) => done(await moveCash(db, browserEnv, staff, movement))} />
            <NoSale db={db} onApproved={async (approvedBy, reason) => done(await moveCash(db, browserEnv, staff, { kind: 'no_sale', reason, approvedBy }))} />
            <button type="button" onClick={() => setClosing(true)}>
              Close the till…
            </button>
          </>
        )}
        {outside && hasMoney(outside.figures) && <OutsideView outside={outside} store={store} sessionOpen={!!open} />}
        <button type="button" class="primary big" onClick={onClose}>
          Done
        </button>
      </section>
    </div>
  );
}

function ReportView({ report, store, title }: { report: TillReport; store: StoreRecord; title: string }) {
  return (
    <div class="till-report" aria-label={title}>
      <h3>{title}</h3>
      <dl class="totals">
        <dt>Opened by {report.openedBy}, float</dt>
        <dd>
          <Money amount={report.float} store={store} />
        </dd>
        <FiguresRows figures={report} store={store} testIds="till" />
        <dt class="muted">Paid in / out / dropped</dt>
        <dd class="muted">
          <Money amount={report.cash.paidIn} store={store} /> / <Money amount={report.cash.paidOut} store={store} /> / <Money amount={report.cash.drops} store={store} />
        </dd>
        {report.cash.noSales > 0 && (
          <>
            <dt class="muted">Drawer opened without a sale</dt>
            <dd class="muted">{report.cash.noSales}×</dd>
          </>
        )}
        {report.close ? (
          <>
            <dt>Expected in the drawer</dt>
            <dd>
              <Money amount={report.cash.expected} store={store} />
            </dd>
            <dt>Counted by {report.close.closedBy}</dt>
            <dd>
              <Money amount={report.close.counted} store={store} />
            </dd>
            <dt class="grand">{report.close.variance === 0 ? 'Balanced' : report.close.variance > 0 ? 'Over' : 'Short'}</dt>
            <dd class="grand" data-testid="till-variance">
              <Money amount={report.close.variance} store={store} />
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

/** "1 sale", "2 sales" (words/store-words.ts). */
const counted = (count: number, words: { one: string; other: string }, store: StoreRecord) => storeWords(store).count(count, words.one, words.other);
const SALES = { one: 'sale', other: 'sales' };
const KINDS = { returns: { one: 'return', other: 'returns' }, voids: { one: 'void', other: 'voids' } } as const;

/** Whether any sale, return or void is in the figures. */
const hasMoney = (figures: TillFigures) => figures.sales.count + figures.returns.count + figures.voids.count > 0;

/** Sales, tenders, discounts, tax, returns and voids: the rows a session's report and the outside figures share. */
function FiguresRows({ figures, store, testIds }: { figures: TillFigures; store: StoreRecord; testIds: 'till' | 'outside' }) {
  return (
    <>
      <dt>{counted(figures.sales.count, SALES, store)}</dt>
      <dd data-testid={`${testIds}-takings`}>
        <Money amount={figures.sales.total} store={store} />
      </dd>
      {Object.entries(figures.byTender).map(([kind, amount]) => (
        <Fragment key={kind}>
          <dt class="muted">{kind.replace('_', ' ')}</dt>
          <dd class="muted">
            <Money amount={amount} store={store} />
          </dd>
        </Fragment>
      ))}
      <dt class="muted">Discounts given</dt>
      <dd class="muted">
        <Money amount={figures.sales.discounts} store={store} />
      </dd>
      {figures.byTaxRate.map((row) => (
        <Fragment key={`${row.jurisdiction} ${row.rate}`}>
          <dt class="muted">{row.label}</dt>
          <dd class="muted">
            <Money amount={row.tax} store={store} />
          </dd>
        </Fragment>
      ))}
      {([
        ['returns', figures.returns],
        ['voids', figures.voids],
      ] as const).map(([what, totals]) =>
        totals.count > 0 ? (
          <Fragment key={what}>
            <dt>{counted(totals.count, KINDS[what], store)}</dt>
            <dd data-testid={`${testIds}-${what}`}>
              <Money amount={-totals.total} store={store} />
            </dd>
            {Object.entries(totals.byTender).map(([kind, amount]) => (
              <Fragment key={kind}>
                <dt class="muted">{kind.replace('_', ' ')} back</dt>
                <dd class="muted">
                  <Money amount={-amount} store={store} />
                </dd>
              </Fragment>
            ))}
          </Fragment>
        ) : null,
      )}
    </>
  );
}

/**
 * Sales, returns and voids this till made outside any session today (since
 * its last close): in no X or Z report, so shown here — HQ's day report
 * counts them too. Where the store requires an open till for cash, these are
 * card sales, or cash from before the rule reached this till.
 */
function OutsideView({ outside, store, sessionOpen }: { outside: OutsideSession; store: StoreRecord; sessionOpen: boolean }) {
  const closedAt = storeWords(store).time(outside.since);
  const when = outside.sinceClose ? `since the close at ${closedAt}` : 'today';
  return (
    <div class="till-report outside-session" aria-label="Outside any session">
      <h3>Outside any session</h3>
      <p class="muted">
        {sessionOpen ? `Before this session opened, ${when}` : when.replace(/^./, (first) => first.toUpperCase())}: in no X or Z report of this till; HQ’s day report counts them.
      </p>
      <dl class="totals">
        <FiguresRows figures={outside.figures} store={store} testIds="outside" />
        <dt>Cash taken, less cash paid back</dt>
        <dd data-testid="outside-cash">
          <Money amount={outside.figures.cash.expected} store={store} />
        </dd>
      </dl>
    </div>
  );
}

/** Notes and coins, counted one denomination at a time; the total shows as it is typed. */
function CountForm({ store, action, hint, onCount }: { store: StoreRecord; action: string; hint: string; onCount: (count: DenominationCount) => Promise<void> }) {
  const [count, setCount] = useState<Record<string, string>>({});
  const [amountText, setAmountText] = useState('');
  const formId = useId();
  const denominations = denominationsOf(store.currency);
  // Without a known set of notes and coins, the count is one amount in minor units.
  const amount = parseMoneyInput(amountText, store.currency);
  const pieces: DenominationCount = denominations
    ? Object.fromEntries(Object.entries(count).filter(([, text]) => text.trim() !== '').map(([key, text]) => [key, Number(text)]))
    : amount === null
      ? {}
      : { 1: amount };
  const total = countValue(store.currency, pieces);
  return (
    <form
      class="count-form"
      onSubmit={(event) => {
        event.preventDefault();
        void onCount(pieces);
      }}
    >
      <p>{hint}</p>
      {denominations ? (
        <div class="denominations">
          {denominations.map((denomination) => {
            // Named for a screen reader by what it counts ("$20.00 notes"); the × only shows.
            const id = `${formId}-${denomination}`;
            return (
              <span key={denomination} class="denomination">
                <label for={id}>
                  {formatMoney(denomination, store.currency, store.locale)} {isNote(store.currency, denomination) ? 'notes' : 'coins'}
                </label>
                <span aria-hidden="true">×</span>
                <input id={id} inputMode="numeric" autoComplete="off" value={count[denomination] ?? ''} onInput={(event) => setCount({ ...count, [denomination]: event.currentTarget.value.replace(/\D/g, '') })} />
              </span>
            );
          })}
        </div>
      ) : (
        <label>
          Cash counted
          <input inputMode="decimal" autoComplete="off" value={amountText} onInput={(event) => setAmountText(event.currentTarget.value)} />
        </label>
      )}
      <button type="submit" class="primary" disabled={typeof total !== 'number'}>
        {action}
        {typeof total === 'number' && !action.startsWith('Close') && (
          <>
            {' '}
            with <Money amount={total} store={store} />
          </>
        )}
      </button>
    </form>
  );
}

function CashMoveForm({ store, onMove }: { store: StoreRecord; onMove: (movement: { kind: 'paid_in' | 'paid_out' | 'drop'; amount: number; reason: string }) => Promise<void> }) {
  const [kind, setKind] = useState<'paid_in' | 'paid_out' | 'drop'>('drop');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const value = parseMoneyInput(amount, store.currency);
  return (
    <form
      class="cash-move"
      onSubmit={(event) => {
        event.preventDefault();
        if (value === null || value <= 0 || !reason.trim()) return;
        void onMove({ kind, amount: value, reason: reason.trim() }).then(() => (setAmount(''), setReason('')));
      }}
    >
      <label for="cash-move-kind">Cash in or out</label>
      <select id="cash-move-kind" value={kind} onChange={(event) => setKind(event.currentTarget.value as typeof kind)}>
        <option value="drop">Drop to the safe</option>
        <option value="paid_in">Paid in</option>
        <option value="paid_out">Paid out</option>
      </select>
      <input aria-label="Amount" inputMode="decimal" autoComplete="off" placeholder="Amount" value={amount} onInput={(event) => setAmount(event.currentTarget.value)} />
      <input aria-label="Reason" autoComplete="off" maxLength={200} placeholder="Reason" value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      <button type="submit" disabled={value === null || value <= 0 || !reason.trim()}>
        Record
      </button>
    </form>
  );
}

function NoSale({ db, onApproved }: { db: StoresideDb; onApproved: (approvedBy: string, reason: string) => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Open the drawer (no sale)…
      </button>
    );
  }
  return (
    <div class="no-sale">
      <input aria-label="Why open the drawer" autoComplete="off" maxLength={200} placeholder="Why open the drawer" value={reason} onInput={(event) => setReason(event.currentTarget.value)} />
      {reason.trim() && (
        <ManagerApproval
          db={db}
          action="open the drawer without a sale"
          onCancel={() => setAsking(false)}
          onApproved={(approval) => {
            setAsking(false);
            void onApproved(approval.id, reason.trim());
          }}
        />
      )}
    </div>
  );
}
