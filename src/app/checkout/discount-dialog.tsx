import { useState } from 'preact/hooks';
import { parseMoneyInput, type Minor } from '../../domain/money.ts';
import { PRICE_OVERRIDE, priceOverrideAmount } from '../../domain/price-override.ts';
import { ManagerApproval } from '../approval/manager-approval.tsx';
import type { CheckoutModel } from './checkout-model.ts';

export type DiscountTarget = { sku: string; name: string; unitPrice: Minor; quantity: number } | 'basket';

/** A manager's discount on one line or the whole sale: how much, why, and the manager's PIN. */
export function DiscountDialog({ model, target, onClose }: { model: CheckoutModel; target: DiscountTarget; onClose: () => void }) {
  const [mode, setMode] = useState<'percent' | 'amount' | 'price'>('percent');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const { store } = model;
  const what = target === 'basket' ? 'the whole sale' : target.name;
  const percent = mode === 'percent' && /^\d{1,3}([.,]\d{1,2})?$/.test(value.trim()) ? Number(value.trim().replace(',', '.')) : null;
  const typed = mode === 'percent' ? null : parseMoneyInput(value, store.currency);
  const amount = mode === 'amount' ? typed : mode === 'price' && target !== 'basket' && typed !== null ? priceOverrideAmount(target, typed) : null;
  const ready = (percent !== null && percent > 0 && percent <= 100) || (amount !== null && amount > 0);
  return (
    <div class="overlay">
      <section class="receipt" role="dialog" aria-labelledby="discount-title">
        <h2 id="discount-title">Discount {what}</h2>
        <fieldset class="discount-mode">
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'percent'} onChange={() => setMode('percent')} />
            Percent off
          </label>
          <label class="check">
            <input type="radio" name="mode" checked={mode === 'amount'} onChange={() => setMode('amount')} />
            Amount off
          </label>
          {target !== 'basket' && (
            <label class="check">
              <input type="radio" name="mode" checked={mode === 'price'} onChange={() => setMode('price')} />
              Price override
            </label>
          )}
        </fieldset>
        <label>
          {mode === 'percent' ? 'Percent' : mode === 'amount' ? 'Amount' : 'New unit price'}
          <input inputMode="decimal" autoComplete="off" value={value} onInput={(event) => setValue(event.currentTarget.value)} placeholder={mode === 'percent' ? '10' : '5.00'} />
        </label>
        {mode === 'price' && typed !== null && amount === null && <p class="error">A price override lowers the price: type less than the shelf price.</p>}
        <label>
          Reason
          <input autoComplete="off" maxLength={200} value={reason} onInput={(event) => setReason(event.currentTarget.value)} placeholder="e.g. damaged box" />
        </label>
        {ready && reason.trim() ? (
          <ManagerApproval
            db={model.db}
            action={`${mode === 'percent' ? `${percent} % off` : mode === 'price' ? 'a price override on' : 'an amount off'} ${what}`}
            onCancel={onClose}
            onApproved={(approvedBy) => {
              onClose();
              void model.addManagerDiscount({
                sku: target === 'basket' ? 'basket' : target.sku,
                reason: mode === 'price' ? `${PRICE_OVERRIDE}${reason.trim()}` : reason,
                approvedBy,
                ...(mode === 'percent' ? { percent: percent! } : { amount: amount! }),
              });
            }}
          />
        ) : (
          <>
            <p class="muted">Say how much and why; then a manager approves with their PIN.</p>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </>
        )}
      </section>
    </div>
  );
}
