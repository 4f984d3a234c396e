import { formatMoney, type Minor } from '../../domain/money.ts';

type StoreLocale = { currency: string; locale: string; timezone: string };

/**
 * Amounts and times as the store says them: in its currency and language, and
 * at its time zone, whatever the device is set to. Every screen writes money
 * and times through these, so a receipt, a return and a shelf sign agree.
 */
export type StoreWords = {
  money(amount: Minor): string;
  /** date and time, as a receipt prints it */
  dateTime(ms: number): string;
  date(ms: number): string;
  time(ms: number): string;
  /** `count` of a thing: "1 sale", "2 sales" (the number in the store's format) */
  count(count: number, one: string, other: string): string;
};

const cache = new Map<string, StoreWords>();

export function storeWords(store: StoreLocale): StoreWords {
  const key = `${store.locale}|${store.currency}|${store.timezone}`;
  const known = cache.get(key);
  if (known) return known;
  const dateTime = new Intl.DateTimeFormat(store.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: store.timezone });
  const date = new Intl.DateTimeFormat(store.locale, { dateStyle: 'medium', timeZone: store.timezone });
  const time = new Intl.DateTimeFormat(store.locale, { timeStyle: 'short', timeZone: store.timezone });
  // The words are English whatever the store's locale (which formats its numbers and money), so English's
  // plural rules choose them: a French store's rules would make "0 sale".
  const plural = new Intl.PluralRules('en');
  const words: StoreWords = {
    money: (amount) => formatMoney(amount, store.currency, store.locale),
    dateTime: (ms) => dateTime.format(ms),
    date: (ms) => date.format(ms),
    time: (ms) => time.format(ms),
    count: (count, one, other) => `${count.toLocaleString(store.locale)} ${plural.select(count) === 'one' ? one : other}`,
  };
  cache.set(key, words);
  return words;
}
