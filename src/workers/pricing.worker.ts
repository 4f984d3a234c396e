import { expose } from 'comlink';
import { createPricingApi } from './pricing-api.ts';

expose(createPricingApi());
