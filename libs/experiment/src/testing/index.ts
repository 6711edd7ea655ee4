export {
  SYNTHETIC_PRICES,
  syntheticConfig,
  syntheticResults,
  type SyntheticOptions,
} from './synthetic-results';
