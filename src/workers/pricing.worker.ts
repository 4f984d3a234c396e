import { expose } from 'comlink';
import { pricingApi } from './pricing-api.ts';

expose(pricingApi);
